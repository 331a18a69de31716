/**
 * @module The pure core of the Codex stream decoder: one SSE event's JSON in, CodexEvents out (§4.2, §4.3, §8.2).
 * `decode-stream.ts` feeds it from the response body; tests feed it directly.
 *
 * Tool calls are numbered by a per-response counter, not by `output_index` (reasoning and message items share that
 * numbering). Argument deltas may be missing; whatever the deltas did not carry is emitted from the `.done` events,
 * so the deltas of a call always add up to its final arguments.
 */
import type { CodexEvent, CodexFinishReason, CodexUsage } from "./events.ts";
import type { FailureFacts } from "./failure-error.ts";

type Json = Record<string, unknown>;

interface ToolCallState {
  index: number;
  emitted: string;
  /** From `function_call_arguments.done`, in case `output_item.done` lacks them. */
  finalArguments: string | null;
  ended: boolean;
}

export interface CodexStreamDecoder {
  /** One SSE event: its `data` text, and its `event:` name (used when the JSON lacks `type`). */
  feed(data: string, eventName?: string): CodexEvent[];
  /** The body ended: a stream without a terminal event yields a `failed` event. */
  close(reason?: string): CodexEvent[];
  /** `start` was emitted. */
  readonly started: boolean;
  /** A terminal event (completed, incomplete, failed, error) was seen; later events are ignored. */
  readonly finished: boolean;
  /** The facts of the failure that ended the stream, if one did. */
  readonly failure: FailureFacts | null;
}

function asObject(value: unknown): Json | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

export function usageOf(response: Json | null): CodexUsage {
  const usage = asObject(response?.usage);
  return {
    inputTokens: count(usage?.input_tokens),
    cachedTokens: count(asObject(usage?.input_tokens_details)?.cached_tokens),
    outputTokens: count(usage?.output_tokens),
    reasoningTokens: count(asObject(usage?.output_tokens_details)?.reasoning_tokens),
  };
}

const TOOL_CALL_ITEMS = new Set(["function_call", "custom_tool_call"]);

export function createCodexStreamDecoder(): CodexStreamDecoder {
  let started = false;
  let finished = false;
  let failure: FailureFacts | null = null;
  let toolCallCount = 0;
  const toolCalls = new Map<string, ToolCallState>();
  let reasoningKey: string | null = null;

  const callKey = (itemId: unknown, outputIndex: unknown) => str(itemId) ?? `#${String(outputIndex)}`;

  function start(out: CodexEvent[], response: Json | null): void {
    if (started) return;
    started = true;
    out.push({ type: "start", responseId: str(response?.id) ?? "", model: str(response?.model) ?? "" });
  }

  function startCall(out: CodexEvent[], item: Json, outputIndex: unknown): ToolCallState {
    const call: ToolCallState = { index: toolCallCount++, emitted: "", finalArguments: null, ended: false };
    toolCalls.set(callKey(item.id, outputIndex), call);
    // Keyed by position too: some servers omit `item_id` on the argument events.
    toolCalls.set(callKey(undefined, outputIndex), call);
    const start = { type: "tool-call-start", index: call.index, callId: str(item.call_id) ?? str(item.id) ?? "", name: str(item.name) ?? "" } as const;
    out.push(item.type === "custom_tool_call" ? { ...start, custom: true } : start);
    return call;
  }

  function findCall(event: Json): ToolCallState | undefined {
    return toolCalls.get(callKey(event.item_id, event.output_index)) ?? toolCalls.get(callKey(undefined, event.output_index));
  }

  function endCall(out: CodexEvent[], call: ToolCallState, item: Json): void {
    if (call.ended) return;
    call.ended = true;
    const full = str(item.arguments) ?? str(item.input) ?? call.finalArguments ?? call.emitted;
    if (full.length > call.emitted.length && full.startsWith(call.emitted)) {
      out.push({ type: "tool-call-delta", index: call.index, argumentsDelta: full.slice(call.emitted.length) });
      call.emitted = full;
    }
    out.push({ type: "tool-call-end", index: call.index, arguments: full });
  }

  function fail(out: CodexEvent[], facts: FailureFacts): void {
    finished = true;
    failure = facts;
    out.push({ type: "failed", code: facts.code, message: facts.message });
  }

  function finish(out: CodexEvent[], reason: CodexFinishReason, response: Json | null): void {
    start(out, response);
    finished = true;
    out.push({ type: "finish", reason, usage: usageOf(response) });
  }

  function handle(type: string, event: Json, out: CodexEvent[]): void {
    const response = asObject(event.response);
    switch (type) {
      case "response.created":
      case "response.in_progress":
        start(out, response);
        return;
      case "response.output_text.delta": {
        const delta = str(event.delta);
        start(out, null);
        if (delta) out.push({ type: "content", text: delta });
        return;
      }
      case "response.refusal.delta": {
        const delta = str(event.delta);
        start(out, null);
        if (delta) out.push({ type: "refusal", text: delta });
        return;
      }
      case "response.reasoning_summary_text.delta": {
        const delta = str(event.delta);
        start(out, null);
        if (!delta) return;
        const key = `${String(event.item_id ?? event.output_index)}:${String(event.summary_index ?? 0)}`;
        // Summary parts (and the summaries of successive reasoning items) read as paragraphs.
        const text = reasoningKey !== null && reasoningKey !== key ? `\n\n${delta}` : delta;
        reasoningKey = key;
        out.push({ type: "reasoning", text });
        return;
      }
      case "response.output_item.added": {
        const item = asObject(event.item);
        start(out, null);
        if (item && TOOL_CALL_ITEMS.has(String(item.type))) startCall(out, item, event.output_index);
        return;
      }
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta": {
        const call = findCall(event);
        const delta = str(event.delta);
        if (!call || call.ended || !delta) return;
        call.emitted += delta;
        out.push({ type: "tool-call-delta", index: call.index, argumentsDelta: delta });
        return;
      }
      case "response.function_call_arguments.done":
      case "response.custom_tool_call_input.done": {
        const call = findCall(event);
        if (call) call.finalArguments = str(event.arguments) ?? str(event.input);
        return;
      }
      case "response.output_item.done": {
        const item = asObject(event.item);
        if (!item) return;
        start(out, null);
        if (TOOL_CALL_ITEMS.has(String(item.type))) endCall(out, findCall({ item_id: item.id, output_index: event.output_index }) ?? startCall(out, item, event.output_index), item);
        if (item.type === "reasoning") out.push({ type: "reasoning-item", item });
        out.push({ type: "output-item", item });
        return;
      }
      case "response.completed":
        finish(out, toolCallCount > 0 ? "tool_calls" : "stop", response);
        return;
      case "response.incomplete": {
        const reason = str(asObject(response?.incomplete_details)?.reason);
        finish(out, reason === "content_filter" ? "content_filter" : "length", response);
        return;
      }
      case "response.failed": {
        const error = asObject(response?.error);
        fail(out, {
          code: str(error?.code),
          message: str(error?.message) ?? "The Codex backend failed the response",
          param: str(error?.param),
          resetsAtSec: typeof error?.resets_at === "number" ? error.resets_at : null,
          planType: str(error?.plan_type),
        });
        return;
      }
      case "error": {
        const error = asObject(event.error) ?? event;
        fail(out, {
          code: str(error.code) ?? str(error.type),
          message: str(error.message) ?? "The Codex backend sent an error event",
          param: str(error.param),
          resetsAtSec: typeof error.resets_at === "number" ? error.resets_at : null,
          planType: str(error.plan_type),
        });
        return;
      }
      default:
        // Metadata (codex.rate_limits, in_progress parts, web search progress…) carries nothing we emit.
        return;
    }
  }

  return {
    feed(data, eventName) {
      const out: CodexEvent[] = [];
      if (finished) return out;
      let event: Json | null;
      try {
        event = asObject(JSON.parse(data));
      } catch {
        event = null;
      }
      if (!event) {
        fail(out, { code: null, message: `The Codex backend sent an event that is not a JSON object${eventName ? ` (${eventName})` : ""}` });
        return out;
      }
      handle(str(event.type) ?? eventName ?? "", event, out);
      return out;
    },
    close(reason = "The Codex backend closed the stream before response.completed") {
      const out: CodexEvent[] = [];
      if (!finished) fail(out, { code: null, message: reason });
      return out;
    },
    get started() {
      return started;
    },
    get finished() {
      return finished;
    },
    get failure() {
      return failure;
    },
  };
}
