/**
 * @module Where a streamed reply ended upstream. A stream's id is fixed at `response.created`, when only the first
 * message of the reply is known; a reasoning model's answer is a later message, and continuing from the first one
 * would branch the conversation before the answer. This bounded map remembers the last message per response id.
 * After a restart the id's own message is used, which is right for single-message replies.
 */
export class ContinuationMemory {
  private readonly entries = new Map<string, string>();

  constructor(private readonly capacity = 10_000) {}

  remember(responseId: string, lastMessageId: string): void {
    this.entries.delete(responseId);
    this.entries.set(responseId, lastMessageId);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  recall(responseId: string): string | null {
    return this.entries.get(responseId) ?? null;
  }
}
