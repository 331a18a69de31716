/**
 * @module UPLOAD_BY_URL (upstream.md §7.3): a user message written `URL1 URL2 question` becomes a text part and one
 * `image_url` part per leading URL, so the URLs' content is fetched and uploaded like any attachment.
 */
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from "openai/resources/chat/completions";

function isHttpUrl(token: string): boolean {
  if (!/^https?:\/\/\S+$/i.test(token)) return false;
  try {
    return new URL(token).hostname !== "";
  } catch {
    return false;
  }
}

/** Takes http(s) URLs off the front of `text` while they last; `rest` is what follows, trimmed. */
export function splitLeadingUrls(text: string): { urls: string[]; rest: string } {
  const urls: string[] = [];
  let rest = text.trimStart();
  for (;;) {
    const token = /^\S+/.exec(rest)?.[0];
    if (token === undefined || !isHttpUrl(token)) break;
    urls.push(token);
    rest = rest.slice(token.length).trimStart();
  }
  return { urls, rest: rest.trimEnd() };
}

/**
 * Only user messages are expanded: an assistant's or system's text that begins with a link is a quotation, and
 * fetching it would both surprise and cost.
 */
export function expandUploadByUrl(messages: readonly ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  return messages.map((message) => {
    if (message.role !== "user" || typeof message.content !== "string") return message;
    const { urls, rest } = splitLeadingUrls(message.content);
    if (urls.length === 0) return message;
    const parts: ChatCompletionContentPart[] = [
      ...(rest === "" ? [] : [{ type: "text" as const, text: rest }]),
      ...urls.map((url) => ({ type: "image_url" as const, image_url: { url } })),
    ];
    return { ...message, content: parts };
  });
}
