/**
 * @module What one chat request asks of the upstream, settled before any account is leased: the messages (after
 * UPLOAD_BY_URL), their media fetched and checked, which of them start the new turn, and the history settings.
 * `bodyFor(session)` then uploads the media to that attempt's account and builds the conversation body.
 */
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { InvalidRequestError } from "../errors.ts";
import { localAttachmentInfo, prepareAttachments } from "../media/prepare-attachments.ts";
import type { LocalAttachment } from "../media/resolve-parts.ts";
import { type MediaConfig, resolveRequestMedia } from "../media/resolve-request-media.ts";
import { type ResolvedModel, thinkingEffortsOf } from "../translate/model-names.ts";
import { type ThinkingEffort, thinkingEffortFor } from "../translate/thinking-effort.ts";
import { buildConversationBody, toUpstreamMessages } from "../translate/to-upstream-messages.ts";
import { countPromptTokensInTurns } from "../translate/usage.ts";
import type { UpstreamSession } from "../engines/web/session.ts";
import type { UpstreamMessageInput } from "../translate/to-upstream-messages.ts";

/** The conversation part of a request, in OpenAI chat terms plus chat2api's history extensions. */
export interface ConversationRequest {
  messages: readonly unknown[];
  historyDisabled?: boolean;
  conversationId?: string;
  parentMessageId?: string;
  /** OpenAI's `reasoning_effort` (or Responses' `reasoning.effort`), already checked to be an effort. */
  reasoningEffort?: string;
  /**
   * Sections chat2api adds to the system text (the tools the model may call, the response format): sent as one
   * system message after the client's own system messages of the turn, so a continued conversation gets them too.
   */
  instructions?: readonly string[];
}

export interface ConversationPlan {
  model: ResolvedModel;
  messages: ChatCompletionMessageParam[];
  promptTokens: number;
  historyDisabled: boolean;
  /** The body's `thinking_effort`: the request's effort as the model offers it; null sends none. */
  thinkingEffort: ThinkingEffort | null;
  bodyFor(session: UpstreamSession, signal?: AbortSignal): Promise<Record<string, unknown>>;
}

/**
 * A continued conversation already holds everything up to the client's last assistant reply upstream: only what
 * follows it is the new turn (sending it all again would make the upstream see the history twice).
 */
function newTurnStart(messages: readonly ChatCompletionMessageParam[], continuing: boolean): number {
  if (!continuing) return 0;
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === "assistant") return i + 1;
  return 0;
}

/** The added system message goes after the turn's leading system messages: the client's prompt first, then ours. */
function withInstructions(messages: UpstreamMessageInput[], instructions: string, id: string): UpstreamMessageInput[] {
  const at = messages.findIndex((message) => message.author.role !== "system");
  const cut = at < 0 ? messages.length : at;
  const added: UpstreamMessageInput = { id, author: { role: "system" }, content: { content_type: "text", parts: [instructions] }, metadata: {} };
  return [...messages.slice(0, cut), added, ...messages.slice(cut)];
}

function messageIndexOf(part: LocalAttachment): number {
  return Number(/^messages\[(\d+)\]/.exec(part.param)?.[1] ?? -1);
}

export async function planConversation(
  request: ConversationRequest,
  model: ResolvedModel,
  options: { config: MediaConfig & { historyDisabled: boolean }; signal?: AbortSignal },
): Promise<ConversationPlan> {
  const historyDisabled = request.historyDisabled ?? options.config.historyDisabled;
  const conversationId = request.conversationId ?? null;
  const parentMessageId = request.parentMessageId ?? null;
  if (parentMessageId && !conversationId) {
    throw new InvalidRequestError("parent_message_id needs the conversation_id it belongs to.", { param: "conversation_id" });
  }
  if (conversationId && !parentMessageId) {
    throw new InvalidRequestError("To continue a conversation send parent_message_id too: the message_id of the reply you are answering.", {
      param: "parent_message_id",
    });
  }
  const media = await resolveRequestMedia(request.messages as unknown as ChatCompletionMessageParam[], options.config, {
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const local = localAttachmentInfo(media.parts);
  // convert once now, so a malformed message is a 400 before any account is leased
  toUpstreamMessages(media.messages, { newId: () => "", attachments: local });
  const start = newTurnStart(media.messages, conversationId !== null);
  if (start >= media.messages.length) {
    throw new InvalidRequestError("A continued conversation needs a new message after the last assistant reply.", { param: "messages" });
  }
  const parts = media.parts.filter((part) => messageIndexOf(part) >= start);
  const thinkingEffort = thinkingEffortFor(request.reasoningEffort, thinkingEffortsOf(model.upstreamSlug));
  const instructions = request.instructions && request.instructions.length > 0 ? request.instructions.join("\n\n") : null;
  const counted: ChatCompletionMessageParam[] = instructions ? [...media.messages, { role: "system", content: instructions }] : media.messages;

  return {
    model,
    messages: media.messages,
    promptTokens: await countPromptTokensInTurns(counted, model.requested, local),
    historyDisabled,
    thinkingEffort,
    async bodyFor(session, signal) {
      const uploaded = parts.length > 0 ? await prepareAttachments(parts, session, signal ? { signal } : {}) : new Map();
      // earlier messages keep their local stand-ins: they are dropped by the slice and never leave this process
      const attachments = new Map([...local, ...uploaded]);
      const turn = toUpstreamMessages(media.messages, { newId: () => crypto.randomUUID(), attachments }).slice(start);
      const body = buildConversationBody({
        messages: instructions ? withInstructions(turn, instructions, crypto.randomUUID()) : turn,
        model,
        historyDisabled,
        random: Math.random,
        ...(conversationId ? { conversationId } : {}),
        ...(parentMessageId ? { parentMessageId } : {}),
      }) as unknown as Record<string, unknown>;
      // already a web value: the 2026 body keeps it (build-conversation-body-2026.ts), the 2024 server ignores it
      return thinkingEffort ? { ...body, thinking_effort: thinkingEffort } : body;
    },
  };
}
