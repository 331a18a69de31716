/**
 * @module An OpenAI Chat Completions request → the Codex body (§3, §8.1), with the names of the caller's fields it
 * does not send: the backend answers 400 "Unsupported parameter" to sampling and token-cap fields (pitfalls 3, 4),
 * so everything not listed in SENT is left out rather than forwarded.
 */
import { chatMessagesToCodexInput } from "./chat-messages-to-input.ts";
import type { ChatRequestForCodex } from "./chat-request.ts";
import { chatResponseFormatToCodex, chatToolsToCodex } from "./chat-tools-to-codex.ts";
import type { CodexRequestBody, EffortChange, ToCodexResult } from "./codex-body.ts";
import type { CodexModel } from "./models.ts";
import { effortsOf, resolveReasoningEffort } from "./reasoning-effort.ts";
import { present, serviceTierFor, unsentFields } from "./shared-fields.ts";

/** Fields that shape the Codex body. */
const SENT = new Set([
  "model",
  "messages",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "functions",
  "function_call",
  "response_format",
  "reasoning_effort",
  "verbosity",
  "service_tier",
  "prompt_cache_key",
]);

export interface ChatToCodexOptions {
  /** The account's catalog entry for the model: its efforts, image input, summary parameter and service tiers. */
  model?: CodexModel | null;
  /** A stable id per conversation, used when the request has no `prompt_cache_key`. */
  promptCacheKey?: string;
}

export function chatToCodex(request: ChatRequestForCodex, { model = null, promptCacheKey }: ChatToCodexOptions = {}): ToCodexResult {
  const dropped = unsentFields(request, SENT);

  const converted = chatMessagesToCodexInput(request.messages, {
    model: request.model,
    acceptsImages: model ? model.inputModalities.includes("image") : true,
  });
  if (!converted.ok) return converted;
  const tools = chatToolsToCodex(request);
  if (!tools.ok) return tools;

  const body: CodexRequestBody = { model: request.model, instructions: converted.instructions, input: converted.input, store: false, stream: true };
  if (tools.tools.length > 0) {
    body.tools = tools.tools;
    if (tools.toolChoice !== undefined) body.tool_choice = tools.toolChoice;
    if (typeof request.parallel_tool_calls === "boolean") body.parallel_tool_calls = request.parallel_tool_calls;
  } else {
    for (const key of ["tool_choice", "parallel_tool_calls", "function_call"] as const) if (present(request[key])) dropped.push(key);
  }

  let effortChange: EffortChange | null = null;
  const reasoning: NonNullable<CodexRequestBody["reasoning"]> = {};
  if (present(request.reasoning_effort)) {
    const resolved = resolveReasoningEffort(String(request.reasoning_effort), effortsOf(request.model, model?.efforts), "reasoning_effort");
    if (!resolved.ok) return resolved;
    reasoning.effort = resolved.effort;
    effortChange = resolved.change;
  }
  // Summaries stream as reasoning deltas; a model that refuses the parameter (Spark) gets only the effort.
  if (model?.acceptsReasoningSummary !== false) reasoning.summary = "auto";
  if (Object.keys(reasoning).length > 0) {
    body.reasoning = reasoning;
    body.include = ["reasoning.encrypted_content"];
  }

  const format = chatResponseFormatToCodex(request.response_format);
  const verbosity = present(request.verbosity) && model?.supportsVerbosity !== false ? String(request.verbosity) : undefined;
  if (present(request.verbosity) && verbosity === undefined) dropped.push("verbosity");
  if (format || verbosity) body.text = { ...(format ? { format } : {}), ...(verbosity ? { verbosity } : {}) };

  const tier = serviceTierFor(request.service_tier, model);
  if (tier) body.service_tier = tier;
  else if (present(request.service_tier)) dropped.push("service_tier");

  const cacheKey = request.prompt_cache_key ?? promptCacheKey;
  if (cacheKey) body.prompt_cache_key = cacheKey;

  return { ok: true, body, dropped: dropped.sort(), effortChange };
}
