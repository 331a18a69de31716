/**
 * @module A reply plan as the Responses event sequence of codex.md §4.2: created, in_progress, a reasoning item (with
 * summary parts when asked, `encrypted_content` when included), the assistant message, one block per call with its
 * arguments in small deltas, then the terminal event with usage (§4.3). Failures replace or cut the tail (§4.4).
 */
import { randomBytes } from "node:crypto";
import { chunkWords } from "../reply-text.ts";
import type { ReplyPlan } from "./reply-plan.ts";
import type { CodexRequest } from "./request-body.ts";
import type { PlannedCall } from "./shell-rule.ts";

export interface Usage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type Ending =
  | { type: "completed" }
  | { type: "incomplete"; reason: string }
  | { type: "failed"; code: string; message: string; afterEvents: number }
  | { type: "error-event"; message: string; afterEvents: number };

export interface EventContext {
  request: CodexRequest;
  plan: ReplyPlan;
  createdAt: number;
  /** Sealed `encrypted_content` for the reasoning item. */
  seal: (summary: readonly string[]) => string;
  cachedTokens: number;
  emptyOutput: boolean;
  ending: Ending;
}

type Event = Record<string, unknown> & { type: string };

const EFFORT_TOKENS: Record<string, number> = { minimal: 0, low: 8, medium: 16, high: 32, xhigh: 64, max: 96, ultra: 128 };

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

/** About four characters a token: enough for deterministic, plausible counts. */
export function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

export function inputTokens(request: CodexRequest): number {
  const { input, tools, instructions } = request.body;
  return tokensOf(JSON.stringify([instructions, input, tools ?? []]));
}

function fragments(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += Math.max(1, size)) out.push(text.slice(i, i + Math.max(1, size)));
  return out;
}

function usageOf(context: EventContext, output: { text: string; calls: readonly PlannedCall[] }): Usage {
  const { plan, request } = context;
  const input = inputTokens(request);
  const reasoning = (EFFORT_TOKENS[request.effort] ?? 16) + tokensOf(plan.summary.join(""));
  const visible = tokensOf(output.text) + output.calls.reduce((n, c) => n + tokensOf(c.payload), 0);
  const outputTokens = visible + reasoning;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: Math.min(context.cachedTokens, input) },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + outputTokens,
  };
}

function callItem(call: PlannedCall, callId: string, itemId: string, done: boolean): Record<string, unknown> {
  const status = done ? "completed" : "in_progress";
  if (call.kind === "local_shell") return { type: "local_shell_call", id: itemId, call_id: callId, status: "completed", action: JSON.parse(call.payload) as unknown };
  if (call.kind === "custom") return { type: "custom_tool_call", id: itemId, call_id: callId, name: call.name, input: done ? call.payload : "", status };
  return { type: "function_call", id: itemId, call_id: callId, name: call.name, arguments: done ? call.payload : "", status };
}

function* reasoningEvents(context: EventContext, index: number, output: unknown[]): Generator<Event> {
  const { summary } = context.plan;
  const itemId = id("rs");
  yield { type: "response.output_item.added", output_index: index, item: { type: "reasoning", id: itemId, summary: [] } };
  for (const [summaryIndex, text] of summary.entries()) {
    const base = { item_id: itemId, output_index: index, summary_index: summaryIndex };
    yield { type: "response.reasoning_summary_part.added", ...base, part: { type: "summary_text", text: "" } };
    for (const delta of chunkWords(text)) yield { type: "response.reasoning_summary_text.delta", ...base, delta };
    yield { type: "response.reasoning_summary_text.done", ...base, text };
    yield { type: "response.reasoning_summary_part.done", ...base, part: { type: "summary_text", text } };
  }
  const item = {
    type: "reasoning",
    id: itemId,
    summary: summary.map((text) => ({ type: "summary_text", text })),
    ...(context.request.includeEncrypted ? { encrypted_content: context.seal(summary) } : {}),
  };
  output.push(item);
  yield { type: "response.output_item.done", output_index: index, item };
}

function* messageEvents(text: string, index: number, output: unknown[]): Generator<Event> {
  const itemId = id("msg");
  const base = { item_id: itemId, output_index: index, content_index: 0 };
  yield { type: "response.output_item.added", output_index: index, item: { type: "message", id: itemId, role: "assistant", status: "in_progress", content: [] } };
  yield { type: "response.content_part.added", ...base, part: { type: "output_text", text: "", annotations: [], logprobs: [] } };
  for (const delta of chunkWords(text)) yield { type: "response.output_text.delta", ...base, delta, logprobs: [] };
  yield { type: "response.output_text.done", ...base, text, logprobs: [] };
  yield { type: "response.content_part.done", ...base, part: { type: "output_text", text, annotations: [], logprobs: [] } };
  const item = { type: "message", id: itemId, role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [], logprobs: [] }] };
  output.push(item);
  yield { type: "response.output_item.done", output_index: index, item };
}

function* callEvents(call: PlannedCall, fragmentChars: number, index: number, output: unknown[]): Generator<Event> {
  const callId = call.callId ?? `call_${randomBytes(12).toString("base64url")}`;
  const itemId = id(call.kind === "custom" ? "ctc" : call.kind === "local_shell" ? "lsh" : "fc");
  yield { type: "response.output_item.added", output_index: index, item: callItem(call, callId, itemId, false) };
  if (call.kind !== "local_shell") {
    const family = call.kind === "custom" ? "response.custom_tool_call_input" : "response.function_call_arguments";
    for (const delta of fragments(call.payload, fragmentChars)) yield { type: `${family}.delta`, item_id: itemId, output_index: index, delta };
    yield { type: `${family}.done`, item_id: itemId, output_index: index, ...(call.kind === "custom" ? { input: call.payload } : { name: call.name, arguments: call.payload }) };
  }
  const item = callItem(call, callId, itemId, true);
  output.push(item);
  yield { type: "response.output_item.done", output_index: index, item };
}

function responseObject(context: EventContext, responseId: string, fields: Record<string, unknown>): Record<string, unknown> {
  const { request } = context;
  return {
    id: responseId,
    object: "response",
    created_at: context.createdAt,
    status: "in_progress",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.instructions,
    max_output_tokens: null,
    model: request.model.slug,
    output: [],
    parallel_tool_calls: request.parallelToolCalls,
    previous_response_id: null,
    reasoning: { effort: request.effort, summary: request.summary ?? null },
    service_tier: request.serviceTier ?? "default",
    store: false,
    text: request.body.text ?? { format: { type: "text" } },
    tool_choice: request.body.tool_choice ?? "auto",
    tools: request.body.tools ?? [],
    truncation: "disabled",
    usage: null,
    metadata: {},
    ...fields,
  };
}

/** The events as JSON objects, `sequence_number` from 0, ending as `context.ending` says. */
export function responseEvents(context: EventContext): Event[] {
  const { plan, ending } = context;
  const responseId = id("resp");
  const output: unknown[] = [];
  const body: Event[] = [];
  let index = 0;
  for (const event of reasoningEvents(context, index++, output)) body.push(event);
  if (plan.text !== "") for (const event of messageEvents(plan.text, index++, output)) body.push(event);
  for (const call of plan.calls) for (const event of callEvents(call, plan.fragmentChars, index++, output)) body.push(event);

  const events: Event[] = [
    { type: "response.created", response: responseObject(context, responseId, {}) },
    { type: "response.in_progress", response: responseObject(context, responseId, {}) },
    ...body,
  ];
  const usage = usageOf(context, plan);
  const finalOutput = context.emptyOutput ? [] : output;
  if (ending.type === "completed") {
    events.push({ type: "response.completed", response: responseObject(context, responseId, { status: "completed", output: finalOutput, usage }) });
  } else if (ending.type === "incomplete") {
    events.push({ type: "response.incomplete", response: responseObject(context, responseId, { status: "incomplete", incomplete_details: { reason: ending.reason }, output: finalOutput, usage }) });
  } else if (ending.type === "failed") {
    events.splice(ending.afterEvents);
    events.push({ type: "response.failed", response: responseObject(context, responseId, { status: "failed", error: { code: ending.code, message: ending.message } }) });
  } else {
    events.splice(ending.afterEvents);
    events.push({ type: "error", error: { type: "server_error", code: "server_error", message: ending.message, param: null } });
  }
  return events.map((event, sequence) => ({ ...event, sequence_number: sequence }));
}

/** `event:` / `data:` framing; no `[DONE]` (codex.md §4.1). */
export function sseFrame(event: Event): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
