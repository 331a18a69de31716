/**
 * @module Rendered deltas → the Responses API's stream events (CLIENTS.md §6): `response.created`, `in_progress`,
 * one output item per run of reasoning (a `reasoning` item with a summary) or answer (a `message` item whose parts
 * are `output_text` and `refusal`) or function call (a `function_call` item, its arguments streamed), each opened
 * and closed with its `added`/`done` events, then `response.completed` or `response.incomplete` carrying the whole
 * response with usage.
 *
 * Finished items the upstream hands over (`output-item`, the Codex engine) are what the response keeps, so that a
 * client replaying its history (the Codex CLI) gets reasoning with its `encrypted_content` and calls as sent: the
 * upstream's item closes the item the stream announced, under the announced id (clients match `added` and `done`
 * by id; replayed ids are stripped anyway, items are not stored upstream), and an item nothing announced (reasoning
 * without a summary, a web search…) is added and closed where it arrives. A message keeps the text we streamed.
 *
 * A failure after the start ends the stream with an `error` event and then `response.failed`. The `error` event
 * carries the spec's flat fields *and* a nested `error` object: openai-node v6 only throws on data with an `error`
 * key, v7 throws on `event: error`, and the AI SDK reports it once (a `response.failed` after it adds no second
 * error part). Clients that ignore `error` events still see the failed response last.
 */
import type {
  Response,
  ResponseErrorEvent,
  ResponseFunctionToolCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseOutputRefusal,
  ResponseOutputText,
  ResponseReasoningItem,
  ResponseStreamEvent,
  ResponseUsage,
} from "openai/resources/responses/responses";
import type { CountedReply, FinishReason, RenderedDelta, UpstreamUsage } from "./rendered-delta.ts";
import { buildUsage } from "./usage.ts";

/** The response object on the wire: `output_text` is computed by the SDKs and is not part of the API's answer. */
export type WireResponse = Omit<Response, "output_text">;

/** The in-stream error event, with the nested `error` that makes openai-node v6 throw. */
export type ResponseStreamErrorEvent = ResponseErrorEvent & {
  error: { type: string; code: string | null; message: string; param: string | null };
};

type OnTheWire<E> = E extends { response: Response }
  ? Omit<E, "response"> & { response: WireResponse }
  : E extends ResponseErrorEvent
    ? ResponseStreamErrorEvent
    : E;

/** One event of a Responses stream, as written: `event: <type>` and `data: <this>`. */
export type ResponseEvent = OnTheWire<ResponseStreamEvent>;

type EventBody = ResponseEvent extends infer E ? (E extends ResponseEvent ? Omit<E, "sequence_number"> : never) : never;

/** What the response echoes from the request, and what identifies it. */
export type ResponseFields = Omit<
  WireResponse,
  "id" | "object" | "created_at" | "status" | "error" | "incomplete_details" | "output" | "usage" | "completed_at" | "model"
>;

export interface ResponseBuilderOptions {
  /**
   * The response id, asked once with the reply's first delta: with history on it can say where the reply lives
   * upstream (`start` carries the conversation), so a later `previous_response_id` can continue it.
   */
  idFor: (first: RenderedDelta) => string;
  /** Unix seconds. */
  createdAt: number;
  /** Unix seconds, for `completed_at`. */
  now: () => number;
  model: string;
  promptTokens: number;
  /** `msg_…` / `rs_…` ids of the output items. */
  newItemId: (kind: "msg" | "rs") => string;
  fields: ResponseFields;
}

type MessagePart = ResponseOutputText | ResponseOutputRefusal;

type OpenItem =
  | { kind: "reasoning"; index: number; id: string; text: string }
  | { kind: "message"; index: number; id: string; parts: MessagePart[]; partOpen: boolean };

/** A function call: its own item beside the open one, since parallel calls may stream interleaved. */
interface CallItem {
  index: number;
  id: string;
  callId: string;
  name: string;
  arguments: string;
  ended: boolean;
  /** A freeform tool's call: announced as `custom_tool_call`, its input streamed as `custom_tool_call_input`. */
  custom: boolean;
}

type UpstreamItem = Record<string, unknown>;

const CALL_ITEM_TYPES = new Set(["function_call", "custom_tool_call"]);

/** A call's item id, from its call id (`call_x` → `fc_x`), as unique within the response as the call ids are. */
function callItemId(callId: string): string {
  return `fc_${callId.replace(/^call_/, "")}`;
}

/** An upstream item is the upstream's own Responses item: handed back as it came, it is one of the API's items. */
function asOutputItem(item: UpstreamItem): ResponseOutputItem {
  return item as unknown as ResponseOutputItem;
}

const FAILED_PREFIX = "The upstream failed while streaming: ";

export interface ResponseBuilder {
  /** The events one delta produces (none after the response ended). */
  push(delta: RenderedDelta): ResponseEvent[];
  /** Ends a reply that stopped without a finish: it failed, it was not an answer. */
  end(): ResponseEvent[];
}

/** The stateful core shared by the stream writer and `toResponse`. */
export function createResponseBuilder(options: ResponseBuilderOptions): ResponseBuilder {
  const { createdAt, model, promptTokens, newItemId, fields } = options;
  let id = "";
  let sequence = 0;
  let started = false;
  let ended = false;
  let content = "";
  let reasoning = "";
  let counted: CountedReply | undefined;
  let upstreamUsage: UpstreamUsage | undefined;
  const output: WireResponse["output"] = [];
  let open: OpenItem | null = null;
  /** The reply's calls by their delta index. */
  const calls = new Map<number, CallItem>();
  /** Calls whose arguments are done, their `output_item.done` held for the upstream's item that follows at once. */
  let awaitingItem: CallItem[] = [];
  /** Messages we streamed whose upstream item has not come yet (it is not needed: the text is ours). */
  let messagesToMatch = 0;
  let out: ResponseEvent[] = [];

  const emit = (event: EventBody): void => {
    out.push({ ...event, sequence_number: sequence++ } as ResponseEvent);
  };

  function usage(): ResponseUsage {
    const usage = buildUsage({ promptTokens, content, reasoning, model, counted, upstream: upstreamUsage });
    return {
      input_tokens: usage.prompt_tokens,
      input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: 0 },
      output_tokens: usage.completion_tokens,
      output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
      total_tokens: usage.total_tokens,
    };
  }

  function snapshot(status: NonNullable<WireResponse["status"]>, extra: Partial<WireResponse> = {}): WireResponse {
    const done = status !== "in_progress";
    return {
      id,
      object: "response",
      created_at: createdAt,
      status,
      completed_at: status === "completed" ? options.now() : null,
      error: null,
      incomplete_details: null,
      model,
      output: done ? structuredClone(output) : [],
      ...fields,
      ...(done ? { usage: usage() } : {}),
      ...extra,
    };
  }

  function closePart(item: Extract<OpenItem, { kind: "message" }>): void {
    if (!item.partOpen) return;
    item.partOpen = false;
    const contentIndex = item.parts.length - 1;
    const part = item.parts[contentIndex] as MessagePart;
    const where = { item_id: item.id, output_index: item.index, content_index: contentIndex };
    if (part.type === "output_text") emit({ type: "response.output_text.done", ...where, text: part.text, logprobs: [] });
    else emit({ type: "response.refusal.done", ...where, refusal: part.refusal });
    emit({ type: "response.content_part.done", ...where, part: structuredClone(part) });
  }

  function closeItem(status: ResponseOutputMessage["status"], upstream?: UpstreamItem): void {
    const item = open;
    if (!item) return;
    open = null;
    if (item.kind === "reasoning") {
      const where = { item_id: item.id, output_index: item.index, summary_index: 0 };
      const part = { type: "summary_text" as const, text: item.text };
      emit({ type: "response.reasoning_summary_text.done", ...where, text: item.text });
      emit({ type: "response.reasoning_summary_part.done", ...where, part });
      const done: ResponseOutputItem = upstream ? asOutputItem({ ...upstream, id: item.id }) : { id: item.id, type: "reasoning", summary: [part] };
      output[item.index] = done;
      emit({ type: "response.output_item.done", output_index: item.index, item: structuredClone(done) });
      return;
    }
    closePart(item);
    const done: ResponseOutputMessage = { id: item.id, type: "message", status, role: "assistant", content: structuredClone(item.parts) };
    output[item.index] = done;
    emit({ type: "response.output_item.done", output_index: item.index, item: structuredClone(done) });
  }

  function startCall(index: number, callId: string, name: string, custom: boolean): void {
    if (calls.has(index)) return;
    closeItem("completed");
    const call: CallItem = { index: output.length, id: callItemId(callId), callId, name, arguments: "", ended: false, custom };
    calls.set(index, call);
    content += name;
    const added: ResponseOutputItem = custom
      ? { id: call.id, type: "custom_tool_call", input: "", call_id: callId, name }
      : { id: call.id, type: "function_call", status: "in_progress", arguments: "", call_id: callId, name };
    output.push(added);
    emit({ type: "response.output_item.added", output_index: call.index, item: structuredClone(added) });
  }

  function callArguments(call: CallItem | undefined, delta: string): void {
    if (!call || call.ended || delta === "") return;
    call.arguments += delta;
    content += delta;
    emit(
      call.custom
        ? { type: "response.custom_tool_call_input.delta", item_id: call.id, output_index: call.index, delta }
        : { type: "response.function_call_arguments.delta", item_id: call.id, output_index: call.index, delta },
    );
  }

  function emitArgumentsDone(call: CallItem): void {
    emit(
      call.custom
        ? { type: "response.custom_tool_call_input.done", item_id: call.id, output_index: call.index, input: call.arguments }
        : { type: "response.function_call_arguments.done", item_id: call.id, output_index: call.index, arguments: call.arguments, name: call.name },
    );
  }

  function endCall(call: CallItem | undefined, full: string): void {
    if (!call || call.ended) return;
    // the deltas normally add up to the end's arguments; what they left out is streamed now
    if (full.startsWith(call.arguments)) callArguments(call, full.slice(call.arguments.length));
    call.arguments = full;
    call.ended = true;
    emitArgumentsDone(call);
    awaitingItem.push(call);
  }

  function closeCall(call: CallItem, status: NonNullable<ResponseFunctionToolCall["status"]>, upstream?: UpstreamItem): void {
    if (!call.ended) {
      call.ended = true;
      emitArgumentsDone(call);
    }
    const done: ResponseOutputItem = upstream
      ? asOutputItem({ ...upstream, id: call.id })
      : call.custom
        ? { id: call.id, type: "custom_tool_call", input: call.arguments, call_id: call.callId, name: call.name }
        : { id: call.id, type: "function_call", status, arguments: call.arguments, call_id: call.callId, name: call.name };
    output[call.index] = done;
    emit({ type: "response.output_item.done", output_index: call.index, item: structuredClone(done) });
  }

  /** The held calls are done without an upstream item (the web engine sends none). */
  function releaseCalls(): void {
    const held = awaitingItem;
    awaitingItem = [];
    for (const call of held) closeCall(call, "completed");
  }

  /** Every call still open when the response ends. */
  function closeCalls(status: NonNullable<ResponseFunctionToolCall["status"]>): void {
    releaseCalls();
    for (const call of calls.values()) if (!call.ended) closeCall(call, status);
  }

  /** An item the stream did not announce: added and done at once, as it came. */
  function addWhole(upstream: UpstreamItem): void {
    closeItem("completed");
    const index = output.length;
    const item = asOutputItem(upstream);
    output.push(item);
    emit({ type: "response.output_item.added", output_index: index, item: structuredClone(item) });
    emit({ type: "response.output_item.done", output_index: index, item: structuredClone(item) });
  }

  function adopt(upstream: UpstreamItem): void {
    const type = String(upstream.type);
    if (CALL_ITEM_TYPES.has(type)) {
      const call = awaitingItem.find((candidate) => candidate.callId === upstream.call_id);
      if (call) {
        awaitingItem = awaitingItem.filter((candidate) => candidate !== call);
        return closeCall(call, "completed", upstream);
      }
      releaseCalls();
      // a call we streamed and closed already is in the output; any other is new
      if ([...calls.values()].some((known) => known.callId === upstream.call_id)) return;
      return addWhole(upstream);
    }
    releaseCalls();
    if (type === "reasoning" && open?.kind === "reasoning") return closeItem("completed", upstream);
    if (type === "message" && messagesToMatch > 0) {
      messagesToMatch--;
      return;
    }
    addWhole(upstream);
  }

  function openReasoning(): Extract<OpenItem, { kind: "reasoning" }> {
    if (open?.kind === "reasoning") return open;
    closeItem("completed");
    const item = { kind: "reasoning" as const, index: output.length, id: newItemId("rs"), text: "" };
    const added: ResponseReasoningItem = { id: item.id, type: "reasoning", summary: [] };
    output.push(added);
    open = item;
    emit({ type: "response.output_item.added", output_index: item.index, item: structuredClone(added) });
    emit({ type: "response.reasoning_summary_part.added", item_id: item.id, output_index: item.index, summary_index: 0, part: { type: "summary_text", text: "" } });
    return item;
  }

  /** The open message, its last part of `type` open (a part of the other type is closed first). */
  function openPart(type: MessagePart["type"]): { item: Extract<OpenItem, { kind: "message" }>; contentIndex: number } {
    let item = open?.kind === "message" ? open : null;
    if (!item) {
      closeItem("completed");
      item = { kind: "message", index: output.length, id: newItemId("msg"), parts: [], partOpen: false };
      messagesToMatch++;
      const added: ResponseOutputMessage = { id: item.id, type: "message", status: "in_progress", role: "assistant", content: [] };
      output.push(added);
      open = item;
      emit({ type: "response.output_item.added", output_index: item.index, item: structuredClone(added) });
    }
    if (item.partOpen && item.parts.at(-1)?.type !== type) closePart(item);
    if (!item.partOpen) {
      const part: MessagePart = type === "output_text" ? { type, text: "", annotations: [] } : { type, refusal: "" };
      item.parts.push(part);
      item.partOpen = true;
      emit({ type: "response.content_part.added", item_id: item.id, output_index: item.index, content_index: item.parts.length - 1, part: structuredClone(part) });
    }
    return { item, contentIndex: item.parts.length - 1 };
  }

  function finish(reason: FinishReason): void {
    ended = true;
    const incomplete = reason === "length" || reason === "content_filter";
    closeItem(incomplete ? "incomplete" : "completed");
    // a call still open at the finish never got its whole arguments (a tool block that broke part-way): incomplete
    closeCalls("incomplete");
    if (!incomplete) {
      emit({ type: "response.completed", response: snapshot("completed") });
      return;
    }
    emit({
      type: "response.incomplete",
      response: snapshot("incomplete", { incomplete_details: { reason: reason === "length" ? "max_output_tokens" : "content_filter" } }),
    });
  }

  function fail(message: string): void {
    ended = true;
    closeItem("incomplete");
    closeCalls("incomplete");
    const error = { type: "server_error", code: "server_error", message: FAILED_PREFIX + message, param: null };
    emit({ type: "error", code: error.code, message: error.message, param: null, error });
    emit({ type: "response.failed", response: snapshot("failed", { error: { code: "server_error", message: error.message } }) });
  }

  function begin(first: RenderedDelta): void {
    started = true;
    id = options.idFor(first);
    emit({ type: "response.created", response: snapshot("in_progress") });
    emit({ type: "response.in_progress", response: snapshot("in_progress") });
  }

  function apply(delta: RenderedDelta): void {
    // a held call waits for its upstream item, which comes right after its end when it comes at all
    if (delta.type !== "output-item") releaseCalls();
    switch (delta.type) {
      case "start":
      case "message-id":
      // the markdown `content` that follows shows the image
      case "image":
        return;
      case "tool-call-start":
        startCall(delta.index, delta.callId, delta.name, delta.custom === true);
        return;
      case "tool-call-delta":
        callArguments(calls.get(delta.index), delta.argumentsDelta);
        return;
      case "tool-call-end":
        endCall(calls.get(delta.index), delta.arguments);
        return;
      case "output-item":
        adopt(delta.item);
        return;
      case "reasoning": {
        if (delta.text === "") return;
        const item = openReasoning();
        item.text += delta.text;
        reasoning += delta.text;
        emit({ type: "response.reasoning_summary_text.delta", item_id: item.id, output_index: item.index, summary_index: 0, delta: delta.text });
        return;
      }
      case "content": {
        if (delta.text === "") return;
        const { item, contentIndex } = openPart("output_text");
        (item.parts[contentIndex] as ResponseOutputText).text += delta.text;
        content += delta.text;
        emit({ type: "response.output_text.delta", item_id: item.id, output_index: item.index, content_index: contentIndex, delta: delta.text, logprobs: [] });
        return;
      }
      case "refusal": {
        const { item, contentIndex } = openPart("refusal");
        (item.parts[contentIndex] as ResponseOutputRefusal).refusal += delta.text;
        content += delta.text;
        emit({ type: "response.refusal.delta", item_id: item.id, output_index: item.index, content_index: contentIndex, delta: delta.text });
        return;
      }
      case "finish":
        counted = delta.tokens;
        upstreamUsage = delta.usage;
        finish(delta.reason);
        return;
      case "failed":
        fail(delta.message);
        return;
      default: {
        const unexpected: never = delta;
        return unexpected;
      }
    }
  }

  const drain = (): ResponseEvent[] => {
    const events = out;
    out = [];
    return events;
  };

  return {
    push(delta) {
      if (ended) return [];
      if (!started) begin(delta);
      apply(delta);
      return drain();
    },
    end() {
      if (ended) return [];
      const failure: RenderedDelta = { type: "failed", message: "the reply ended without finishing" };
      if (!started) begin(failure);
      fail(failure.message);
      return drain();
    },
  };
}

/** Whether an event is the last of a response stream. */
export function isFinalResponseEvent(event: ResponseEvent): boolean {
  return event.type === "response.completed" || event.type === "response.incomplete" || event.type === "response.failed";
}

export function toResponsesEvents(options: ResponseBuilderOptions): Transformer<RenderedDelta, ResponseEvent> {
  const builder = createResponseBuilder(options);
  return {
    transform(delta, controller) {
      for (const event of builder.push(delta)) controller.enqueue(event);
    },
    flush(controller) {
      for (const event of builder.end()) controller.enqueue(event);
    },
  };
}
