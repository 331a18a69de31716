/**
 * @module The `input` array (codex.md §3.3, §9 items 11, 12, 16): item shapes, no stored ids, every call answered by a
 * later output, reasoning blobs only from the same account, images only for image models and only valid ones.
 */
import { isRecord } from "../http.ts";
import type { CatalogModel } from "./catalog.ts";
import { invalidValue, missingParameter, openaiError } from "./errors.ts";
import type { ReasoningSeal } from "./sealed-reasoning.ts";

export type InputItem =
  | { kind: "message"; role: string; text: string; images: number }
  | { kind: "call"; callId: string; name: string; arguments: string }
  | { kind: "output"; callId: string; text: string }
  | { kind: "other"; type: string };

const ROLES = new Set(["user", "assistant", "developer", "system"]);
const PASSIVE_TYPES = new Set(["reasoning", "web_search_call", "image_generation_call", "tool_search_call", "tool_search_output", "compaction", "additional_tools"]);
const CALL_TYPES: Record<string, string> = { function_call: "function call", custom_tool_call: "custom tool call", local_shell_call: "local shell call" };
/** Codex answers a local_shell_call with a function_call_output (its `local_shell_call_output` is keyed by `id`). */
const OUTPUT_TYPES = new Set(["function_call_output", "custom_tool_call_output"]);
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];

export interface InputContext {
  model: CatalogModel;
  accountId: string;
  seal: ReasoningSeal;
}

function invalidImage(): Error {
  return openaiError(
    400,
    `The image data you provided does not represent a valid image. Please check your input and try again with one of the supported image formats: [${IMAGE_TYPES.map((t) => `'${t}'`).join(", ")}].`,
    "input",
    "invalid_value",
  );
}

function hasImageMagic(bytes: Buffer): boolean {
  const ascii = (from: number, to: number): string => bytes.subarray(from, to).toString("latin1");
  return (
    (bytes[0] === 0x89 && ascii(1, 4) === "PNG") ||
    (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) ||
    ascii(0, 4) === "GIF8" ||
    (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP")
  );
}

/** Data URLs are decoded and sniffed; http(s) URLs are taken on trust (the emulator fetches nothing). */
function checkImage(url: unknown, context: InputContext): void {
  if (!context.model.images) throw openaiError(400, "Model does not support image inputs.", "input", null);
  if (typeof url !== "string") throw invalidImage();
  if (/^https?:\/\//.test(url)) return;
  const match = /^data:([\w/+.-]+);base64,([A-Za-z0-9+/]*={0,2})$/.exec(url);
  if (!match?.[1] || !IMAGE_TYPES.includes(match[1]) || !hasImageMagic(Buffer.from(match[2] ?? "", "base64"))) throw invalidImage();
}

/** Text of a content array or string; images checked and counted. */
function readContent(content: unknown, param: string, context: InputContext, allowed: ReadonlySet<string>): { text: string; images: number } {
  if (typeof content === "string") return { text: content, images: 0 };
  if (!Array.isArray(content)) throw missingParameter(`${param}.content`);
  let images = 0;
  const texts: string[] = [];
  content.forEach((part: unknown, j) => {
    if (!isRecord(part) || typeof part.type !== "string" || !allowed.has(part.type)) {
      const type = isRecord(part) ? String(part.type) : typeof part;
      throw invalidValue(`${param}.content[${j}].type`, `Invalid value: '${type}'. Supported values are: ${[...allowed].map((t) => `'${t}'`).join(", ")}.`);
    }
    if (part.type === "input_image") {
      checkImage(part.image_url, context);
      images++;
    } else if (typeof part.text === "string") {
      texts.push(part.text);
    } else {
      throw missingParameter(`${param}.content[${j}].text`);
    }
  });
  return { text: texts.join("\n"), images };
}

const USER_PARTS = new Set(["input_text", "input_image"]);
const ASSISTANT_PARTS = new Set(["output_text", "refusal"]);

function requireString(item: Record<string, unknown>, key: string, param: string): string {
  const value = item[key];
  if (typeof value !== "string") throw missingParameter(`${param}.${key}`);
  return value;
}

function readItem(raw: unknown, i: number, context: InputContext): InputItem {
  const param = `input[${i}]`;
  if (!isRecord(raw)) throw invalidValue(param, `Invalid type for '${param}': expected an object.`);
  // Nothing is stored when store is false, so any id names an item that does not exist (pitfall 7)
  if (typeof raw.id === "string") {
    throw openaiError(
      404,
      `Item with id '${raw.id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
      "input",
      null,
    );
  }
  const type = typeof raw.type === "string" ? raw.type : "role" in raw ? "message" : undefined;
  if (type === "message") {
    const role = requireString(raw, "role", param);
    if (!ROLES.has(role)) throw invalidValue(`${param}.role`, `Invalid value: '${role}'. Supported values are: 'user', 'assistant', 'developer', and 'system'.`);
    return { kind: "message", role, ...readContent(raw.content, param, context, role === "assistant" ? ASSISTANT_PARTS : USER_PARTS) };
  }
  if (type === "local_shell_call") {
    return { kind: "call", callId: requireString(raw, "call_id", param), name: "local_shell", arguments: JSON.stringify(raw.action ?? null) };
  }
  if (type !== undefined && type in CALL_TYPES) {
    const callId = requireString(raw, "call_id", param);
    const name = requireString(raw, "name", param);
    return { kind: "call", callId, name, arguments: requireString(raw, type === "function_call" ? "arguments" : "input", param) };
  }
  if (type !== undefined && OUTPUT_TYPES.has(type)) {
    const callId = requireString(raw, "call_id", param);
    const output = Array.isArray(raw.output) ? readContent(raw.output, `${param}.output`, context, USER_PARTS).text : raw.output;
    if (typeof output !== "string") throw missingParameter(`${param}.output`);
    return { kind: "output", callId, text: output };
  }
  if (type === "reasoning") {
    if (raw.encrypted_content !== undefined && context.seal.owner(String(raw.encrypted_content)) !== context.accountId) {
      throw openaiError(400, "The encrypted content could not be verified. Reason: Encrypted content organization_id did not match the target organization_id.", "input", "invalid_encrypted_content");
    }
    return { kind: "other", type };
  }
  if (type !== undefined && PASSIVE_TYPES.has(type)) return { kind: "other", type };
  throw invalidValue(`${param}.type`, `Invalid value: '${String(raw.type)}'.`);
}

/** Every call needs a later output with its call_id, every output an earlier call. */
function checkPairs(raw: unknown[], items: InputItem[]): void {
  items.forEach((item, i) => {
    if (item.kind === "call" && !items.slice(i + 1).some((later) => later.kind === "output" && later.callId === item.callId)) {
      const type = (raw[i] as Record<string, unknown>).type as string;
      throw openaiError(400, `No tool output found for ${CALL_TYPES[type] ?? "function call"} ${item.callId}.`, "input", null);
    }
    if (item.kind === "output") {
      const earlier = raw.slice(0, i).some((r) => isRecord(r) && r.call_id === item.callId && typeof r.type === "string" && r.type in CALL_TYPES);
      if (!earlier) throw openaiError(400, `No tool call found for function call output with call_id ${item.callId}.`, "input", null);
    }
  });
}

export function readInput(value: unknown, context: InputContext): InputItem[] {
  if (typeof value === "string") return [{ kind: "message", role: "user", text: value, images: 0 }];
  if (!Array.isArray(value)) throw missingParameter("input");
  const items = value.map((raw: unknown, i) => readItem(raw, i, context));
  checkPairs(value, items);
  return items;
}
