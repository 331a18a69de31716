/**
 * @module Response ids. With history on, the id says where the reply lives upstream (`resp_` + base64url of the
 * conversation and message ids), so `previous_response_id` can continue the conversation without any store;
 * otherwise it is random, like the real API's.
 */

const PREFIX = "resp_";
/** Versions the payload, and can never come out of decoding a random hex id (hex has no `Y`). */
const TAG = "c1:";

export interface UpstreamPlace {
  conversationId: string;
  messageId: string;
}

export function randomResponseId(): string {
  return PREFIX + crypto.randomUUID().replaceAll("-", "") + crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}

export function encodeResponseId(place: UpstreamPlace): string {
  return PREFIX + Buffer.from(`${TAG}${place.conversationId}:${place.messageId}`).toString("base64url");
}

/** null for a random id, a foreign one, or anything malformed. */
export function decodeResponseId(id: string): UpstreamPlace | null {
  if (!id.startsWith(PREFIX)) return null;
  const text = Buffer.from(id.slice(PREFIX.length), "base64url").toString("utf8");
  if (!text.startsWith(TAG)) return null;
  const [conversationId, messageId, ...rest] = text.slice(TAG.length).split(":");
  if (!conversationId || !messageId || rest.length > 0) return null;
  return { conversationId, messageId };
}
