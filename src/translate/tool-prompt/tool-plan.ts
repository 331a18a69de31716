/**
 * @module What a request lets the model call, read from either endpoint's fields (tool-calls.md §1): the declared
 * function and custom tools, `tool_choice` (`auto`, `none`, `required`, a named tool, `allowed_tools`) and
 * `parallel_tool_calls`, as one {@link ToolPlan} for the prompt ({@link toolInstructions}) and the reply parser
 * (`plan.tools` is what `toolCallStream` takes). `tools` holds only what the model may call in this reply: none
 * for `"none"`, the named one for a named choice, the allowed ones for `allowed_tools`. Hosted tools (web search,
 * file search, MCP…) cannot be described to the web model; they are listed in `unsupported` for the caller to
 * refuse or drop. A choice naming an undeclared tool is an InvalidInputError naming the field.
 */
import { InvalidInputError } from "../translate-errors.ts";

export interface DeclaredTool {
  name: string;
  /** `custom`: a freeform tool whose input is text (Responses / chat `custom` tools). */
  kind: "function" | "custom";
  description: string | null;
  /** A function's JSON Schema for its arguments, as declared (null when none was given). */
  parameters: unknown;
  /** A custom tool's input format as declared (`{type:"text"}`, a grammar), or null. */
  format: unknown;
}

/** `auto`: the model decides; `required`: at least one call; `{name}`: a call to that tool. */
export type PlannedChoice = "auto" | "required" | { name: string };

export interface ToolPlan {
  /** The tools the model may call in this reply; empty when it may call none (then nothing is described). */
  tools: DeclaredTool[];
  choice: PlannedChoice;
  /** `parallel_tool_calls` (default true): false asks for one call at most and keeps only the first. */
  parallel: boolean;
  /** Declared tools of a kind the web model cannot be given, by the field that declared them. */
  unsupported: Array<{ param: string; type: string }>;
}

/** The fields of a Chat Completions request this reads, typed loosely so the route's and the SDK's types fit. */
export interface ChatToolFields {
  tools?: readonly unknown[] | null;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean | null;
  /** Deprecated function calling, still sent by old clients. */
  functions?: readonly unknown[] | null;
  function_call?: unknown;
}

/** The fields of a Responses request this reads. */
export interface ResponsesToolFields {
  tools?: readonly unknown[] | null;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean | null;
}

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(param: string, message: string): never {
  throw new InvalidInputError(message, { param, code: "invalid_value" });
}

function nameAt(fields: Fields, param: string): string {
  const name = fields.name;
  if (typeof name !== "string" || name === "") invalid(`${param}.name`, `Invalid value for '${param}.name': expected a non-empty string.`);
  return name;
}

function functionTool(fields: Fields, param: string): DeclaredTool {
  const description = typeof fields.description === "string" ? fields.description : null;
  return { name: nameAt(fields, param), kind: "function", description, parameters: fields.parameters ?? null, format: null };
}

function customTool(fields: Fields, param: string): DeclaredTool {
  const description = typeof fields.description === "string" ? fields.description : null;
  return { name: nameAt(fields, param), kind: "custom", description, parameters: null, format: fields.format ?? null };
}

/**
 * One declared tool: chat nests the definition (`{type, function: {…}}`), Responses flattens it; both shapes are
 * read on both endpoints, as clients mix them up. Null for a hosted tool.
 */
function declaredTool(raw: unknown, param: string): DeclaredTool | null {
  if (!isRecord(raw) || typeof raw.type !== "string") return invalid(`${param}.type`, `Invalid tool at '${param}': missing 'type'.`);
  if (raw.type === "function") return isRecord(raw.function) ? functionTool(raw.function, `${param}.function`) : functionTool(raw, param);
  if (raw.type === "custom") return isRecord(raw.custom) ? customTool(raw.custom, `${param}.custom`) : customTool(raw, param);
  return null;
}

/** The name a named choice or an `allowed_tools` entry gives, in either endpoint's shape. */
function choiceName(choice: Fields): string | null {
  for (const nested of [choice.function, choice.custom]) if (isRecord(nested) && typeof nested.name === "string") return nested.name;
  return typeof choice.name === "string" ? choice.name : null;
}

function onlyNamed(tools: DeclaredTool[], names: readonly string[], param: string): DeclaredTool[] {
  for (const name of names) {
    if (!tools.some((tool) => tool.name === name)) invalid(param, `Invalid value for '${param}': no tool named '${name}' was declared in 'tools'.`);
  }
  return tools.filter((tool) => names.includes(tool.name));
}

function planChoice(tools: DeclaredTool[], choice: unknown, param: string): Pick<ToolPlan, "tools" | "choice"> {
  if (choice === undefined || choice === null || choice === "auto") return { tools, choice: "auto" };
  if (choice === "none") return { tools: [], choice: "auto" };
  if (choice === "required") return { tools, choice: "required" };
  if (!isRecord(choice)) return invalid(param, `Invalid value for '${param}': expected "none", "auto", "required" or an object.`);
  if (choice.type === "allowed_tools") {
    const allowed = isRecord(choice.allowed_tools) ? choice.allowed_tools : choice;
    const entries = Array.isArray(allowed.tools) ? allowed.tools : invalid(`${param}.tools`, `Invalid value for '${param}.tools': expected an array.`);
    const names = entries.map((entry, index) => (isRecord(entry) ? choiceName(entry) : null) ?? invalid(`${param}.tools[${index}]`, `Invalid value for '${param}.tools[${index}]': expected a named tool.`));
    if (allowed.mode !== "auto" && allowed.mode !== "required") invalid(`${param}.mode`, `Invalid value for '${param}.mode': expected "auto" or "required".`);
    return { tools: onlyNamed(tools, names, param), choice: allowed.mode };
  }
  const name = choice.type === "function" || choice.type === "custom" || choice.type === undefined ? choiceName(choice) : null;
  if (name === null) {
    return invalid(`${param}.type`, `Unsupported value for '${param}': ${JSON.stringify(choice.type)} tools cannot be required on this model (only declared function and custom tools can).`);
  }
  return { tools: onlyNamed(tools, [name], param), choice: { name } };
}

function declaredTools(raws: readonly unknown[], param: string, unsupported: ToolPlan["unsupported"]): DeclaredTool[] {
  const tools: DeclaredTool[] = [];
  raws.forEach((raw, index) => {
    const tool = declaredTool(raw, `${param}[${index}]`);
    if (tool) tools.push(tool);
    else unsupported.push({ param: `${param}[${index}]`, type: String((raw as Fields).type) });
  });
  return tools;
}

export function chatToolPlan(request: ChatToolFields): ToolPlan {
  const unsupported: ToolPlan["unsupported"] = [];
  const tools = declaredTools(request.tools ?? [], "tools", unsupported);
  (request.functions ?? []).forEach((raw, index) => {
    if (!isRecord(raw)) invalid(`functions[${index}]`, `Invalid value for 'functions[${index}]': expected an object.`);
    tools.push(functionTool(raw, `functions[${index}]`));
  });
  const hasToolChoice = request.tool_choice !== undefined && request.tool_choice !== null;
  const [choice, param] = hasToolChoice ? [request.tool_choice, "tool_choice"] : [request.function_call, "function_call"];
  return { ...planChoice(tools, choice, param), parallel: request.parallel_tool_calls !== false, unsupported };
}

export function responsesToolPlan(request: ResponsesToolFields): ToolPlan {
  const unsupported: ToolPlan["unsupported"] = [];
  const tools = declaredTools(request.tools ?? [], "tools", unsupported);
  return { ...planChoice(tools, request.tool_choice, "tool_choice"), parallel: request.parallel_tool_calls !== false, unsupported };
}
