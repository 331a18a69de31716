/**
 * @module Rendered deltas → the Responses API's stream events (CLIENTS.md §6): `response.created`, `in_progress`,
 * one output item per run of reasoning (a `reasoning` item with a summary) or answer (a `message` item whose parts
 * are `output_text` and `refusal`), each opened and closed with its `added`/`done` events, then `response.completed`
 * or `response.incomplete` carrying the whole response with usage.
 *
 * A failure after the start ends the stream with an `error` event and then `response.failed`. The `error` event
 * carries the spec's flat fields *and* a nested `error` object: openai-node v6 only throws on data with an `error`
 * key, v7 throws on `event: error`, and the AI SDK reports it once (a `response.failed` after it adds no second
 * error part). Clients that ignore `error` events still see the failed response last.
 */
import type {
  Response,
  ResponseErrorEvent,
  ResponseOutputMessage,
  ResponseOutputRefusal,
  ResponseOutputText,
  ResponseReasoningItem,
  ResponseStreamEvent,
  ResponseUsage,
} from "openai/resources/responses/responses";
import type { CountedReply, FinishReason, RenderedDelta } from "./rendered-delta.ts";
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
  const output: WireResponse["output"] = [];
  let open: OpenItem | null = null;
  let out: ResponseEvent[] = [];

  const emit = (event: EventBody): void => {
    out.push({ ...event, sequence_number: sequence++ } as ResponseEvent);
  };

  function usage(): ResponseUsage {
    const usage = buildUsage({ promptTokens, content, reasoning, model, counted });
    return {
      input_tokens: usage.prompt_tokens,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
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

  function closeItem(status: ResponseOutputMessage["status"]): void {
    const item = open;
    if (!item) return;
    open = null;
    if (item.kind === "reasoning") {
      const where = { item_id: item.id, output_index: item.index, summary_index: 0 };
      const part = { type: "summary_text" as const, text: item.text };
      emit({ type: "response.reasoning_summary_text.done", ...where, text: item.text });
      emit({ type: "response.reasoning_summary_part.done", ...where, part });
      const done: ResponseReasoningItem = { id: item.id, type: "reasoning", summary: [part] };
      output[item.index] = done;
      emit({ type: "response.output_item.done", output_index: item.index, item: structuredClone(done) });
      return;
    }
    closePart(item);
    const done: ResponseOutputMessage = { id: item.id, type: "message", status, role: "assistant", content: structuredClone(item.parts) };
    output[item.index] = done;
    emit({ type: "response.output_item.done", output_index: item.index, item: structuredClone(done) });
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
    switch (delta.type) {
      case "start":
      case "message-id":
      // the markdown `content` that follows shows the image
      case "image":
      case "tool-call-start":
      case "tool-call-delta":
      case "tool-call-end":
      case "output-item":
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

export function toResponsesEvents(options: ResponseBuilderOptions): TransformStream<RenderedDelta, ResponseEvent> {
  const builder = createResponseBuilder(options);
  return new TransformStream<RenderedDelta, ResponseEvent>({
    transform(delta, controller) {
      for (const event of builder.push(delta)) controller.enqueue(event);
    },
    flush(controller) {
      for (const event of builder.end()) controller.enqueue(event);
    },
  });
}
