/**
 * @module An OpenAI Responses request → the Codex body: a near pass-through (the backend speaks the Responses API),
 * with what it refuses taken out (§3.2, §3.7) and the history made replayable with `store:false`: item ids are
 * stripped (the backend 404s on them, pitfall 7), reasoning items travel by their `encrypted_content`, and
 * server-side state (`previous_response_id`, `conversation`, stored prompts) is refused since nothing is stored.
 */
import { withObjectProperties } from "./chat-tools-to-codex.ts";
import { invalid, type CodexInputItem, type CodexRequestBody, type CodexTool, type EffortChange, type JsonObject, type ToCodexResult } from "./codex-body.ts";
import type { CodexModel } from "./models.ts";
import { effortsOf, resolveReasoningEffort } from "./reasoning-effort.ts";
import { present, serviceTierFor, unsentFields } from "./shared-fields.ts";

export interface ResponsesRequestForCodex {
  model: string;
  input: string | readonly unknown[];
  instructions?: string | null;
  tools?: readonly unknown[] | null;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean | null;
  reasoning?: { effort?: string | null; summary?: string | null; generate_summary?: string | null } | null;
  include?: readonly string[] | null;
  text?: { format?: unknown; verbosity?: string | null } | null;
  service_tier?: string | null;
  prompt_cache_key?: string | null;
  client_metadata?: unknown;
  store?: boolean | null;
  previous_response_id?: string | null;
}

export interface ResponsesToCodexOptions {
  /** The account's catalog entry for the model: its efforts, summary parameter and service tiers. */
  model?: CodexModel | null;
  /** A stable id per conversation, used when the request has no `prompt_cache_key`. */
  promptCacheKey?: string;
}

const SENT = new Set(["model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "include", "text", "service_tier", "prompt_cache_key", "client_metadata"]);
/** Server-side state: dropping it would silently lose the conversation, so it is refused. */
const STATEFUL: Record<string, string> = {
  previous_response_id: "previous_response_id is not supported on this engine (the Codex backend keeps nothing with store:false): send the full conversation history in 'input' instead.",
  conversation: "conversation is not supported on this engine (the Codex backend keeps nothing with store:false): send the full conversation history in 'input' instead.",
  prompt: "Stored prompts (prompt) are not supported on this engine: send the instructions and input themselves.",
};

type Fail = ReturnType<typeof invalid>;
type Checked<T> = { ok: true; value: T } | Fail;
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function contentPart(part: unknown, param: string): Checked<JsonObject> {
  if (!isObject(part)) return invalid(param, `Invalid content part at '${param}': expected an object.`);
  switch (part.type) {
    case "input_text":
    case "output_text":
      // Annotations and logprobs are output decoration; Codex replays the text alone.
      return ok({ type: part.type, text: part.text });
    case "input_image":
      if (present(part.file_id) && !present(part.image_url)) {
        return invalid(`${param}.file_id`, `Uploaded files (file_id) are not available on this engine: send the image as a data URL or an https URL at '${param}.image_url'.`);
      }
      return ok(present(part.detail) ? { type: "input_image", image_url: part.image_url, detail: part.detail } : { type: "input_image", image_url: part.image_url });
    default:
      return ok(part);
  }
}

function message(item: JsonObject, param: string): Checked<CodexInputItem> {
  const role = item.role;
  if (role !== "user" && role !== "assistant" && role !== "system" && role !== "developer") {
    return invalid(`${param}.role`, `Invalid role at '${param}.role': expected 'user', 'assistant', 'system' or 'developer'.`);
  }
  if (typeof item.content === "string") {
    return ok({ type: "message", role, content: [{ type: role === "assistant" ? "output_text" : "input_text", text: item.content }] });
  }
  if (!Array.isArray(item.content)) return invalid(`${param}.content`, `Invalid '${param}.content': expected a string or an array of content parts.`);
  const content: JsonObject[] = [];
  for (const [index, part] of item.content.entries()) {
    const converted = contentPart(part, `${param}.content[${index}]`);
    if (!converted.ok) return converted;
    content.push(converted.value);
  }
  const { id: _id, type: _type, content: _content, ...rest } = item;
  return ok({ ...rest, type: "message", role, content });
}

/** One replayed item with its id stripped; null when it cannot be replayed and is left out. */
function inputItem(raw: unknown, param: string): Checked<CodexInputItem | null> {
  if (!isObject(raw)) return invalid(param, `Invalid input item at '${param}': expected an object.`);
  const type = raw.type ?? (present(raw.role) ? "message" : undefined);
  if (type === "message") return message(raw, param);
  if (typeof type !== "string") return invalid(`${param}.type`, `Invalid input item at '${param}': missing 'type'.`);
  if (type === "item_reference") {
    return invalid(param, `Item references are not supported on this engine (the Codex backend keeps nothing with store:false): send the item itself at '${param}'.`);
  }
  // Without its encrypted content a reasoning item could only be found by the id that store:false never kept.
  if (type === "reasoning" && typeof raw.encrypted_content !== "string") return ok(null);
  const { id: _id, ...item } = raw;
  return ok({ ...item, type });
}

function tool(raw: unknown, param: string): Checked<CodexTool> {
  if (!isObject(raw) || typeof raw.type !== "string") return invalid(`${param}.type`, `Invalid tool at '${param}': missing 'type'.`);
  if (raw.type !== "function") return ok({ ...raw, type: raw.type });
  // A Chat-style nested definition is flattened rather than bounced with "Missing required parameter: 'tools[0].name'".
  const source = typeof raw.name !== "string" && isObject(raw.function) ? raw.function : raw;
  const { function: _nested, ...flat } = { ...raw, ...source };
  return ok({ ...flat, type: "function", parameters: withObjectProperties(source.parameters) });
}

export function responsesToCodex(request: ResponsesRequestForCodex, { model = null, promptCacheKey }: ResponsesToCodexOptions = {}): ToCodexResult {
  const fields = request as unknown as JsonObject;
  for (const [field, message] of Object.entries(STATEFUL)) {
    if (present(fields[field])) return invalid(field, message, "unsupported_parameter");
  }
  // store:false is what is sent anyway.
  const dropped = unsentFields(fields, SENT).filter((key) => !(key === "store" && fields.store === false));

  const input: CodexInputItem[] = [];
  if (typeof request.input === "string") {
    input.push({ type: "message", role: "user", content: [{ type: "input_text", text: request.input }] });
  } else {
    for (const [index, raw] of request.input.entries()) {
      const item = inputItem(raw, `input[${index}]`);
      if (!item.ok) return item;
      if (item.value !== null) input.push(item.value);
    }
  }

  const body: CodexRequestBody = { model: request.model, instructions: request.instructions ?? "", input, store: false, stream: true };

  const tools: CodexTool[] = [];
  for (const [index, raw] of (request.tools ?? []).entries()) {
    const converted = tool(raw, `tools[${index}]`);
    if (!converted.ok) return converted;
    tools.push(converted.value);
  }
  if (tools.length > 0) {
    body.tools = tools;
    if (present(request.tool_choice)) body.tool_choice = request.tool_choice as string | JsonObject;
    if (typeof request.parallel_tool_calls === "boolean") body.parallel_tool_calls = request.parallel_tool_calls;
  } else {
    for (const key of ["tool_choice", "parallel_tool_calls"] as const) if (present(request[key])) dropped.push(key);
  }

  let effortChange: EffortChange | null = null;
  if (request.reasoning) {
    const { effort, summary, generate_summary, ...rest } = request.reasoning as JsonObject;
    const reasoning: NonNullable<CodexRequestBody["reasoning"]> = { ...rest };
    if (present(effort)) {
      const resolved = resolveReasoningEffort(String(effort), effortsOf(request.model, model?.efforts), "reasoning.effort");
      if (!resolved.ok) return resolved;
      reasoning.effort = resolved.effort;
      effortChange = resolved.change;
    }
    const wantedSummary = summary ?? generate_summary;
    if (present(wantedSummary) && model?.acceptsReasoningSummary !== false) reasoning.summary = String(wantedSummary);
    body.reasoning = reasoning;
  }
  // Reasoning can only be replayed with store:false through its encrypted content.
  body.include = [...new Set([...(request.include ?? []), "reasoning.encrypted_content"])];

  if (request.text && (present(request.text.format) || present(request.text.verbosity))) {
    const { format, verbosity, ...rest } = request.text as JsonObject;
    body.text = { ...rest };
    if (isObject(format)) body.text.format = format;
    if (present(verbosity)) body.text.verbosity = String(verbosity);
  }

  const tier = serviceTierFor(request.service_tier, model);
  if (tier) body.service_tier = tier;
  else if (present(request.service_tier)) dropped.push("service_tier");

  const cacheKey = request.prompt_cache_key ?? promptCacheKey;
  if (cacheKey) body.prompt_cache_key = cacheKey;
  if (isObject(request.client_metadata)) {
    body.client_metadata = Object.fromEntries(Object.entries(request.client_metadata).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  }

  return { ok: true, body, dropped: dropped.sort(), effortChange };
}
