/**
 * @module The body of `POST /backend-api/codex/responses`, checked in the order of codex.md §9 items 3–12: JSON
 * (zstd accepted), stream, store, instructions, no parameter outside the Codex set, model of the plan and version,
 * reasoning effort and summary, tools, input, include, service tier, text.
 */
import { detail, isRecord } from "../http.ts";
import { compareVersions, findModel, type CatalogModel } from "./catalog.ts";
import { invalidValue, openaiError, unsupportedValue } from "./errors.ts";
import { type InputContext, type InputItem, readInput } from "./input-items.ts";
import type { CodexCaller } from "./request-auth.ts";
import type { ReasoningSeal } from "./sealed-reasoning.ts";
import { type DeclaredTool, readToolChoice, readTools, type ToolChoice } from "./tool-declarations.ts";

/** Everything else, however common in OpenAI clients (`max_output_tokens`, `temperature`, …), is a 400. */
const ACCEPTED = new Set(["model", "instructions", "input", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "store", "stream", "include", "service_tier", "prompt_cache_key", "text", "client_metadata"]);
const SUMMARIES = ["auto", "concise", "detailed", "none"];
const INCLUDES = ["reasoning.encrypted_content", "web_search_call.action.sources", "web_search_call.results", "message.output_text.logprobs", "message.input_image.image_url"];
const VERBOSITIES = ["low", "medium", "high"];

export interface CodexRequest {
  model: CatalogModel;
  instructions: string;
  input: InputItem[];
  tools: DeclaredTool[];
  toolChoice: ToolChoice;
  parallelToolCalls: boolean;
  effort: string;
  /** The summary style asked for; undefined = no summaries. */
  summary: string | undefined;
  includeEncrypted: boolean;
  promptCacheKey: string | undefined;
  serviceTier: string | undefined;
  body: Record<string, unknown>;
}

export async function readBodyBytes(request: Request): Promise<string> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  const encoding = (request.headers.get("content-encoding") ?? "identity").toLowerCase();
  if (encoding === "zstd") {
    try {
      return new TextDecoder().decode(Bun.zstdDecompressSync(bytes));
    } catch {
      throw detail(400, "Could not decode the zstd request body");
    }
  }
  if (encoding !== "identity") throw detail(415, `Unsupported Content-Encoding: ${encoding}`);
  return new TextDecoder().decode(bytes);
}

export async function readJsonBody(request: Request): Promise<Record<string, unknown>> {
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) throw detail(400, "Content-Type must be application/json");
  let value: unknown;
  try {
    value = JSON.parse(await readBodyBytes(request));
  } catch (error) {
    if (error instanceof SyntaxError) throw detail(400, "We could not parse the JSON body of your request.");
    throw error;
  }
  if (!isRecord(value)) throw detail(400, "The request body must be a JSON object.");
  return value;
}

export function readModel(body: Record<string, unknown>, caller: CodexCaller): CatalogModel {
  const slug = typeof body.model === "string" ? body.model : "";
  const model = findModel(slug);
  if (!model || !model.plans.includes(caller.account.plan)) throw detail(400, `The '${slug}' model is not supported when using Codex with a ChatGPT account.`);
  if (compareVersions(caller.clientVersion ?? "0.0.0", model.minimalClientVersion) < 0) {
    throw detail(400, `The '${slug}' model requires a newer version of Codex. Please upgrade to the latest app or CLI and try again.`);
  }
  return model;
}

function readReasoning(value: unknown, model: CatalogModel, tools: readonly DeclaredTool[]): { effort: string; summary: string | undefined } {
  if (value === undefined || value === null) return { effort: model.defaultEffort, summary: undefined };
  if (!isRecord(value)) throw invalidValue("reasoning", "Invalid type for 'reasoning': expected an object.");
  const effort = value.effort === undefined || value.effort === null ? model.defaultEffort : String(value.effort);
  if (effort === "minimal" && tools.some((t) => t.type === "web_search")) {
    throw openaiError(400, "The following tools cannot be used with reasoning.effort 'minimal': web_search.", "tools", null);
  }
  if (!model.efforts.includes(effort)) throw unsupportedValue("reasoning.effort", effort, model.slug, model.efforts);
  if (value.summary === undefined || value.summary === null) return { effort, summary: undefined };
  if (!model.summaryParameter) throw openaiError(400, `Unsupported parameter: 'reasoning.summary' is not supported with the '${model.slug}' model.`, "reasoning.summary", "unsupported_parameter");
  const summary = String(value.summary);
  if (!SUMMARIES.includes(summary)) throw unsupportedValue("reasoning.summary", summary, model.slug, SUMMARIES);
  return { effort, summary: summary === "none" ? undefined : summary };
}

function readInclude(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (!Array.isArray(value)) throw invalidValue("include", "Invalid type for 'include': expected an array.");
  value.forEach((entry: unknown, i) => {
    if (typeof entry !== "string" || !INCLUDES.includes(entry)) throw invalidValue(`include[${i}]`, `Invalid value: '${String(entry)}'. Supported values are: ${INCLUDES.map((s) => `'${s}'`).join(", ")}.`);
  });
  return value.includes("reasoning.encrypted_content");
}

function readServiceTier(value: unknown, model: CatalogModel): string | undefined {
  if (value === undefined || value === null) return undefined;
  const tier = String(value);
  if (tier === "auto" || tier === "default" || tier === "flex" || (tier === "priority" && model.priorityTier)) return tier;
  throw detail(400, `Unsupported service_tier: ${tier}`);
}

function checkText(value: unknown, model: CatalogModel): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) throw invalidValue("text", "Invalid type for 'text': expected an object.");
  if (value.verbosity !== undefined && value.verbosity !== null) {
    const verbosity = String(value.verbosity);
    if (!model.verbosity) throw unsupportedValue("text.verbosity", verbosity, model.slug, []);
    if (!VERBOSITIES.includes(verbosity)) throw unsupportedValue("text.verbosity", verbosity, model.slug, VERBOSITIES);
  }
  const format = value.format;
  if (format === undefined || format === null) return;
  if (!isRecord(format) || !["text", "json_object", "json_schema"].includes(String(format.type))) {
    throw invalidValue("text.format.type", "Invalid value for 'text.format.type': supported values are 'text', 'json_object' and 'json_schema'.");
  }
  if (format.type === "json_schema" && (typeof format.name !== "string" || !isRecord(format.schema))) {
    throw openaiError(400, "Missing required parameter: 'text.format.name' or 'text.format.schema'.", "text.format", "missing_required_parameter");
  }
}

export function validateRequest(body: Record<string, unknown>, caller: CodexCaller, seal: ReasoningSeal): CodexRequest {
  if (body.stream !== true) throw detail(400, "Stream must be set to true");
  if (body.store !== false) throw detail(400, "Store must be set to false");
  if (typeof body.instructions !== "string") throw detail(400, "Instructions are required");
  const unsupported = Object.keys(body).find((key) => !ACCEPTED.has(key));
  if (unsupported !== undefined) throw detail(400, `Unsupported parameter: ${unsupported}`);
  const model = readModel(body, caller);
  const tools = readTools(body.tools);
  const { effort, summary } = readReasoning(body.reasoning, model, tools);
  const toolChoice = readToolChoice(body.tool_choice, tools);
  if (body.parallel_tool_calls !== undefined && typeof body.parallel_tool_calls !== "boolean") {
    throw invalidValue("parallel_tool_calls", "Invalid type for 'parallel_tool_calls': expected a boolean.");
  }
  const context: InputContext = { model, accountId: caller.account.id, seal };
  const input = readInput(body.input, context);
  const includeEncrypted = readInclude(body.include);
  const serviceTier = readServiceTier(body.service_tier, model);
  checkText(body.text, model);
  return {
    model,
    instructions: body.instructions,
    input,
    tools,
    toolChoice,
    parallelToolCalls: body.parallel_tool_calls !== false,
    effort,
    summary,
    includeEncrypted,
    promptCacheKey: typeof body.prompt_cache_key === "string" ? body.prompt_cache_key : undefined,
    serviceTier,
    body,
  };
}
