/**
 * @module The rule that lets real agents act: when the user asks to "create a file X containing Y" and the request
 * declares a shell-like tool (Codex CLI's `exec_command`/`shell`/`local_shell`, opencode's `bash`, …) or a file-write
 * tool, the model calls it with the arguments that tool's own schema asks for, one call per file (in parallel when
 * allowed), and once every call has its output it answers with a short text.
 */
import { isRecord } from "../http.ts";
import type { InputItem } from "./input-items.ts";
import type { CodexRequest } from "./request-body.ts";
import type { DeclaredTool } from "./tool-declarations.ts";

export interface PlannedCall {
  kind: "function" | "custom" | "local_shell";
  name: string;
  /** Function arguments (JSON), custom tool input, or the local_shell action (JSON). */
  payload: string;
  callId?: string;
}

export type RuleOutcome = { calls: PlannedCall[] } | { text: string } | undefined;

interface FileTask {
  file: string;
  content: string;
}

const SHELL_TOOLS = ["exec_command", "shell_command", "shell", "bash", "run_shell_command", "execute_command", "local_shell"];
const WRITE_TOOLS = ["write", "write_file", "create_file"];
const FILE_TASK = /\bfile\s+[`'"]?([\w./-]+?)[`'"]?\s+(?:containing|with(?: the)? (?:content|text))\s+(?:"([^"]*)"|'([^']*)'|`([^`]*)`|([^\s,;]+?))(?=[\s,;]|\.(?:\s|$)|$)/gi;

function tasksIn(text: string): FileTask[] {
  if (!/\b(?:create|write|make)\b/i.test(text)) return [];
  return [...text.matchAll(FILE_TASK)].map((m) => ({ file: m[1] ?? "", content: m[2] ?? m[3] ?? m[4] ?? m[5] ?? "" }));
}

function shellQuote(value: string): string {
  return /^[\w./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function script(task: FileTask): string {
  return `printf '%s' ${shellQuote(task.content)} > ${shellQuote(task.file)}`;
}

/** The working directory agents put in their context (`<cwd>…</cwd>`, "Working directory: …"). */
function workingDirectory(items: readonly InputItem[], instructions: string): string | undefined {
  const texts = [instructions, ...items.flatMap((item) => (item.kind === "message" ? [item.text] : []))];
  for (const text of texts) {
    const match = /<cwd>([^<]+)<\/cwd>/.exec(text) ?? /Working directory:\s*(\S+)/i.exec(text);
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

function filler(schema: unknown, name: string): unknown {
  const type = isRecord(schema) ? schema.type : undefined;
  if (/description|justification|reason/i.test(name)) return "Create the requested file";
  if (type === "number" || type === "integer") return 10_000;
  if (type === "boolean") return false;
  if (type === "array") return [];
  if (type === "object") return {};
  return "";
}

/** Fills the tool's required fields the rule does not know, from their declared types. */
function withRequired(tool: DeclaredTool, known: Record<string, unknown>): string {
  const properties = isRecord(tool.parameters?.properties) ? tool.parameters.properties : {};
  const required = Array.isArray(tool.parameters?.required) ? tool.parameters.required.filter((r): r is string => typeof r === "string") : [];
  const args = { ...known };
  for (const name of required) if (!(name in args)) args[name] = filler(properties[name], name);
  return JSON.stringify(args);
}

function callFor(tool: DeclaredTool, task: FileTask, cwd: string | undefined): PlannedCall {
  const command = script(task);
  if (tool.type === "local_shell") {
    return { kind: "local_shell", name: "local_shell", payload: JSON.stringify({ type: "exec", command: ["bash", "-lc", command], timeout_ms: null, working_directory: cwd ?? null, env: {}, user: null }) };
  }
  const name = tool.name ?? "";
  const properties = isRecord(tool.parameters?.properties) ? tool.parameters.properties : {};
  if (WRITE_TOOLS.includes(name)) {
    const pathKey = ["filePath", "file_path", "path"].find((k) => k in properties) ?? "filePath";
    const contentKey = ["content", "text"].find((k) => k in properties) ?? "content";
    const path = cwd && !task.file.startsWith("/") ? `${cwd.replace(/\/$/, "")}/${task.file}` : task.file;
    return { kind: "function", name, payload: withRequired(tool, { [pathKey]: path, [contentKey]: task.content }) };
  }
  const key = "cmd" in properties ? "cmd" : "command";
  const argv = isRecord(properties[key]) && properties[key].type === "array";
  return { kind: "function", name, payload: withRequired(tool, { [key]: argv ? ["bash", "-lc", command] : command }) };
}

function pickTool(request: CodexRequest): DeclaredTool | undefined {
  const { toolChoice, tools } = request;
  if (toolChoice.mode === "none") return undefined;
  const usable = toolChoice.mode === "named" ? tools.filter((t) => t.name === toolChoice.name) : tools;
  const byName = (names: string[]): DeclaredTool | undefined =>
    names.map((n) => usable.find((t) => (t.type === "function" && t.name === n) || (n === "local_shell" && t.type === "local_shell"))).find(Boolean);
  return byName(SHELL_TOOLS) ?? byName(WRITE_TOOLS);
}

export function shellRule(request: CodexRequest): RuleOutcome {
  const tool = pickTool(request);
  if (!tool) return undefined;
  const { input } = request;
  const at = input.findLastIndex((item) => item.kind === "message" && item.role === "user" && tasksIn(item.text).length > 0);
  const task = input[at];
  if (task?.kind !== "message") return undefined;
  const tasks = tasksIn(task.text);
  const later = input.slice(at + 1);
  const done = (t: FileTask): boolean => later.some((item) => item.kind === "call" && item.arguments.includes(t.file));
  const remaining = tasks.filter((t) => !done(t));
  if (remaining.length === 0) return { text: `Created ${tasks.map((t) => t.file).join(" and ")}.` };
  const cwd = workingDirectory(input, request.instructions);
  const batch = request.parallelToolCalls ? remaining : remaining.slice(0, 1);
  return { calls: batch.map((t) => callFor(tool, t, cwd)) };
}
