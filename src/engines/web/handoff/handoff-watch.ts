/**
 * @module What one SSE event of a conversation stream says about a handoff (web-2026.md §6.3, §6.4): the resume
 * token, the `stream_handoff` event and its topic, `[DONE]`, or part of the answer. Read from the event's data with
 * patterns, not JSON, because a 2026 line may carry two payloads (`data: {…}data: {…}`).
 */

/** Where the rest of a handed-off turn is, and the credential to read it. */
export interface Handoff {
  conversationId: string;
  /** `conversation-turn-<turn_exchange_id>`. */
  topicId: string;
  /** The `resume_conversation_token` JWT (the resume call's `x-conduit-token`); null when the stream gave none. */
  resumeToken: string | null;
}

export type EventRole = "resume-token" | "handoff" | "done" | "answer" | "other";

function field(text: string, name: string): string | undefined {
  return new RegExp(`"${name}":\\s*"([^"]+)"`).exec(text)?.[1];
}

const HANDOFF = /"type":\s*"stream_handoff"/;
const RESUME_TOKEN = /"type":\s*"resume_conversation_token"/;

function roleOfData(data: string): EventRole {
  if (data.trim() === "[DONE]") return "done";
  // both markers are rare: the plain substring test keeps the patterns off the answer's many deltas
  if (data.includes("stream_handoff") && HANDOFF.test(data)) return "handoff";
  if (data.includes("resume_conversation_token") && RESUME_TOKEN.test(data)) return "resume-token";
  // a delta (`v`, `p`/`o`) or a whole message: the answer has begun
  return /"(v|message)":/.test(data) ? "answer" : "other";
}

/** Follows one stream (all its legs): whether a handoff is waiting for its answer, and where to find it. */
export class HandoffWatch {
  private resumeToken: string | null = null;
  private conversationId: string | null = null;
  private handoff: Handoff | null = null;

  /** Reads one event's data (its `data:` lines joined, as the SSE spec joins them); returns its role. */
  see(data: string): EventRole {
    const role = roleOfData(data);
    // checked apart from the role: the token may share a line with the handoff event
    if (role === "resume-token" || (role === "handoff" && RESUME_TOKEN.test(data))) {
      this.resumeToken = field(data, "token") ?? this.resumeToken;
      this.conversationId = field(data, "conversation_id") ?? this.conversationId;
    }
    if (role === "handoff") {
      const topicId = field(data, "topic_id") ?? (field(data, "turn_exchange_id") ? `conversation-turn-${field(data, "turn_exchange_id")}` : undefined);
      const conversationId = field(data, "conversation_id") ?? this.conversationId;
      this.handoff = topicId && conversationId ? { conversationId, topicId, resumeToken: this.resumeToken } : null;
    } else if (role === "answer") {
      this.handoff = null;
    }
    return role;
  }

  /** The handoff whose answer has not come yet, if any. */
  get pending(): Handoff | null {
    return this.handoff;
  }
}
