/**
 * @module Chat Completions tool fields → Codex (§3.4, §8.1): nested `{type:"function", function:{…}}` tools become the
 * flat Responses shape (the backend answers "Missing required parameter: 'tools[0].name'" to the nested one), the
 * deprecated `functions` / `function_call` become tools and a tool choice, and `response_format` becomes
 * `text.format`.
 */
import type { ChatFunctionForCodex, ChatRequestForCodex, ChatToolChoiceForCodex } from "./chat-request.ts";
import { invalid, type CodexRequestInvalid, type CodexTool, type JsonObject } from "./codex-body.ts";

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

type Fail = { ok: false; error: CodexRequestInvalid };

export type ChatToolsResult = { ok: true; tools: CodexTool[]; toolChoice: string | JsonObject | undefined } | Fail;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Object schemas must list `properties`, even empty (the backend refuses them otherwise). */
export function withObjectProperties(parameters: unknown): unknown {
  if (parameters === undefined || parameters === null) return { type: "object", properties: {} };
  if (isObject(parameters) && parameters.type === "object" && !isObject(parameters.properties)) return { ...parameters, properties: {} };
  return parameters;
}

function functionTool(fn: ChatFunctionForCodex, param: string): { ok: true; tool: CodexTool } | Fail {
  if (!TOOL_NAME.test(fn.name)) {
    return invalid(`${param}.name`, `Invalid '${param}.name': '${fn.name}' must be 1-64 letters, digits, underscores or dashes.`);
  }
  const tool: CodexTool = { type: "function", name: fn.name, parameters: withObjectProperties(fn.parameters), strict: fn.strict ?? false };
  if (fn.description !== undefined) tool.description = fn.description;
  return { ok: true, tool };
}

/** Chat's `{type:"grammar", grammar:{syntax, definition}}` is flat in the Responses API. */
function customFormat(format: unknown): unknown {
  if (!isObject(format) || format.type !== "grammar" || !isObject(format.grammar)) return format;
  return { type: "grammar", syntax: format.grammar.syntax, definition: format.grammar.definition };
}

function toolChoice(choice: ChatToolChoiceForCodex): string | JsonObject {
  if (typeof choice === "string") return choice;
  if (choice.type === "function" && choice.function) return { type: "function", name: choice.function.name };
  if (choice.type === "custom" && choice.custom) return { type: "custom", name: choice.custom.name };
  if (choice.type === "allowed_tools" && choice.allowed_tools) {
    const tools = choice.allowed_tools.tools.map((tool) => {
      if (!isObject(tool)) return tool;
      const named = isObject(tool.function) ? tool.function : isObject(tool.custom) ? tool.custom : null;
      return named ? { type: tool.type, name: named.name } : tool;
    });
    return { type: "allowed_tools", mode: choice.allowed_tools.mode, tools };
  }
  return { ...choice };
}

export function chatToolsToCodex(request: ChatRequestForCodex): ChatToolsResult {
  const tools: CodexTool[] = [];
  for (const [index, tool] of (request.tools ?? []).entries()) {
    const param = `tools[${index}]`;
    if (tool.type === "function" && tool.function) {
      const converted = functionTool(tool.function, `${param}.function`);
      if (!converted.ok) return converted;
      tools.push(converted.tool);
    } else if (tool.type === "custom" && tool.custom) {
      const custom: CodexTool = { type: "custom", name: tool.custom.name };
      if (tool.custom.description !== undefined) custom.description = tool.custom.description;
      if (tool.custom.format !== undefined) custom.format = customFormat(tool.custom.format);
      tools.push(custom);
    } else {
      return invalid(`${param}.type`, `Invalid '${param}.type': '${tool.type}' (expected 'function' or 'custom').`);
    }
  }
  for (const [index, fn] of (request.functions ?? []).entries()) {
    const converted = functionTool(fn, `functions[${index}]`);
    if (!converted.ok) return converted;
    tools.push(converted.tool);
  }
  let choice: string | JsonObject | undefined;
  if (request.tool_choice !== undefined && request.tool_choice !== null) choice = toolChoice(request.tool_choice);
  else if (typeof request.function_call === "string") choice = request.function_call;
  else if (request.function_call) choice = { type: "function", name: request.function_call.name };
  return { ok: true, tools, toolChoice: tools.length > 0 ? choice : undefined };
}

/** `response_format` → `text.format`; undefined for plain text (the default). */
export function chatResponseFormatToCodex(format: ChatRequestForCodex["response_format"]): JsonObject | undefined {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_schema" && format.json_schema) {
    const { name, description, schema, strict } = format.json_schema;
    const out: JsonObject = { type: "json_schema", name, schema: schema ?? {} };
    if (description !== undefined) out.description = description;
    if (typeof strict === "boolean") out.strict = strict;
    return out;
  }
  return { type: format.type };
}
