/** @module `tools`, `tool_choice` and `parallel_tool_calls` of a request (codex.md §3.4, §9 item 10). */
import { isRecord } from "../http.ts";
import { invalidValue, missingParameter, openaiError } from "./errors.ts";

export interface DeclaredTool {
  type: string;
  /** Present for function and custom tools; `local_shell` has none. */
  name: string | undefined;
  parameters: Record<string, unknown> | undefined;
}

export type ToolChoice = { mode: "auto" | "none" | "required" } | { mode: "named"; name: string };

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const NAMED_TYPES = new Set(["function", "custom"]);
const OTHER_TYPES = new Set(["web_search", "web_search_preview", "local_shell", "image_generation", "tool_search", "namespace", "file_search", "code_interpreter"]);

function checkSchema(schema: unknown, name: string): void {
  if (schema === undefined) return;
  if (!isRecord(schema)) throw openaiError(400, `Invalid schema for function '${name}': schema must be a JSON Schema of 'type: "object"'.`, "tools", "invalid_function_parameters");
  if (schema.type === "object" && !isRecord(schema.properties)) {
    throw openaiError(400, `Invalid schema for function '${name}': In context=(), object schema missing properties.`, "tools", "invalid_function_parameters");
  }
}

export function readTools(value: unknown): DeclaredTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidValue("tools", "Invalid type for 'tools': expected an array.");
  return value.map((tool: unknown, i) => {
    if (!isRecord(tool) || typeof tool.type !== "string") throw missingParameter(`tools[${i}].type`);
    if (NAMED_TYPES.has(tool.type)) {
      // Chat Completions nests the name under `function`; the Responses shape has it at the top
      if (typeof tool.name !== "string") throw missingParameter(`tools[${i}].name`);
      if (!NAME.test(tool.name)) {
        throw invalidValue(`tools[${i}].name`, `Invalid 'tools[${i}].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' and is at most 64 characters long.`);
      }
      if (tool.type === "function") checkSchema(tool.parameters, tool.name);
      return { type: tool.type, name: tool.name, parameters: isRecord(tool.parameters) ? tool.parameters : undefined };
    }
    if (!OTHER_TYPES.has(tool.type)) {
      throw invalidValue(`tools[${i}].type`, `Invalid value: '${tool.type}'. Supported values are: ${[...NAMED_TYPES, ...OTHER_TYPES].map((t) => `'${t}'`).join(", ")}.`);
    }
    return { type: tool.type, name: typeof tool.name === "string" ? tool.name : undefined, parameters: undefined };
  });
}

export function readToolChoice(value: unknown, tools: readonly DeclaredTool[]): ToolChoice {
  if (value === undefined || value === null || value === "auto") return { mode: "auto" };
  if (value === "none" || value === "required") return { mode: value };
  if (isRecord(value) && typeof value.type === "string" && NAMED_TYPES.has(value.type)) {
    if (typeof value.name !== "string") throw missingParameter("tool_choice.name");
    if (!tools.some((t) => t.name === value.name)) throw invalidValue("tool_choice", `Tool choice '${value.type}' not found in 'tools' parameter.`);
    return { mode: "named", name: value.name };
  }
  if (isRecord(value) && typeof value.type === "string") return { mode: "auto" };
  throw invalidValue("tool_choice", "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a tool.");
}
