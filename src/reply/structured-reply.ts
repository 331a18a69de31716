/**
 * @module Structured output on the web engine (tool-calls.md §5): the reply is read whole (a stream too: only when
 * `response_format` asks for JSON), checked, and handed on as JSON with any Markdown fence stripped. An invalid
 * reply is retried once, the model told what was wrong; when the retry is invalid too, `json_object` and a strict
 * `json_schema` end in a 502 `invalid_model_output` (the model could not be made to answer as asked, which is not
 * the client's fault), and a non-strict schema's reply is returned as it is, with a log line (the client asked for
 * best effort and checks it itself). A reply that called tools, was cut (`length`, `content_filter`) or failed is
 * not checked: it is handed on as it came.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { UpstreamFailureError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { ReplyCheck, ReplyChecker } from "../translate/response-format/check-reply.ts";
import { retryInstructions } from "../translate/response-format/format-instructions.ts";
import type { ResponseFormat } from "../translate/response-format/read-response-format.ts";
import type { RenderedDelta } from "../translate/rendered-delta.ts";

/** What is retried: the request's messages and where its conversation continues. */
export interface RetriableRequest {
  messages: readonly unknown[];
  conversationId?: string;
  parentMessageId?: string;
}

/** The part of a reply this reads and replaces. */
export interface BufferableReply {
  historyDisabled: boolean;
  deltas: ReadableStream<RenderedDelta>;
}

export interface StructuredReplyOptions<R extends RetriableRequest, T extends BufferableReply> {
  format: Exclude<ResponseFormat, { type: "text" }>;
  check: ReplyChecker;
  attempt: (request: R) => Promise<T>;
  logger: Logger;
}

interface ReadReply<T> {
  reply: T;
  deltas: RenderedDelta[];
  /** The text to check, or null when the reply is not one to check. */
  text: string | null;
  /** Where the reply's last message is upstream, for a retry that continues from it. */
  place: { conversationId: string; messageId: string } | null;
}

async function readWhole<T extends BufferableReply>(reply: T): Promise<ReadReply<T>> {
  const deltas = await Array.fromAsync(reply.deltas as unknown as AsyncIterable<RenderedDelta>);
  let text = "";
  let conversationId: string | null = null;
  let messageId: string | null = null;
  for (const delta of deltas) {
    if (delta.type === "content") text += delta.text;
    if (delta.type === "start" || delta.type === "message-id") {
      conversationId = delta.conversationId ?? conversationId;
      if (delta.messageId) messageId = delta.messageId;
    }
  }
  const finish = deltas.at(-1);
  const checkable = finish?.type === "finish" && finish.reason === "stop";
  return { reply, deltas, text: checkable ? text : null, place: conversationId && messageId ? { conversationId, messageId } : null };
}

/** The reply's deltas with its text replaced by the checked JSON (one content delta where the text began). */
function withJson(deltas: readonly RenderedDelta[], json: string): RenderedDelta[] {
  const out: RenderedDelta[] = [];
  let placed = false;
  for (const delta of deltas) {
    if (delta.type === "content") {
      if (!placed) out.push({ type: "content", text: json });
      placed = true;
      continue;
    }
    if (delta.type === "finish" && !placed) out.push({ type: "content", text: json });
    out.push(delta);
  }
  return out;
}

function handOn<T extends BufferableReply>(read: ReadReply<T>, deltas: RenderedDelta[] = read.deltas): T {
  const stream = new ReadableStream<RenderedDelta>({
    start(controller) {
      for (const delta of deltas) controller.enqueue(delta);
      controller.close();
    },
  });
  return { ...read.reply, deltas: stream };
}

/**
 * The retry: the invalid reply and what was wrong with it as the next turn. A kept conversation continues from the
 * invalid reply (upstream already holds it); a temporary one cannot be continued and is sent whole again.
 */
function retryOf<R extends RetriableRequest>(request: R, read: ReadReply<BufferableReply>, failure: Extract<ReplyCheck, { ok: false }>): R {
  const messages: ChatCompletionMessageParam[] = [
    ...(request.messages as ChatCompletionMessageParam[]),
    { role: "assistant", content: read.text ?? "" },
    { role: "user", content: retryInstructions(failure) },
  ];
  const place = read.reply.historyDisabled ? null : read.place;
  return { ...request, messages, ...(place ? { conversationId: place.conversationId, parentMessageId: place.messageId } : {}) };
}

export async function structuredReply<R extends RetriableRequest, T extends BufferableReply>(request: R, options: StructuredReplyOptions<R, T>): Promise<T> {
  const first = await readWhole(await options.attempt(request));
  if (first.text === null) return handOn(first);
  const checked = options.check(first.text);
  if (checked.ok) return handOn(first, withJson(first.deltas, checked.json));

  options.logger.info("reply does not match response_format; asking once more", { format: options.format.type, reason: checked.reason });
  const second = await readWhole(await options.attempt(retryOf(request, first, checked)));
  if (second.text === null) return handOn(second);
  const rechecked = options.check(second.text);
  if (rechecked.ok) return handOn(second, withJson(second.deltas, rechecked.json));

  const strict = options.format.type === "json_object" || options.format.strict;
  if (!strict) {
    options.logger.info("reply does not match the non-strict response_format schema; returned as it is", { reason: rechecked.reason });
    return handOn(second);
  }
  const asked = options.format.type === "json_object" ? "a JSON object" : `JSON valid against the schema '${options.format.name}'`;
  throw new UpstreamFailureError(502, `The model did not answer with ${asked}, also when asked again: ${rechecked.reason}.`, { code: "invalid_model_output" });
}
