/** @module Conversations per account: persisted ones (history on) can be continued, temporary ones cannot. */
import { randomUUID } from "node:crypto";

export interface StoredConversation {
  id: string;
  ownerId: string;
  /** False for `history_and_training_disabled: true`: kept only so its files can still be downloaded. */
  persisted: boolean;
  messageIds: Set<string>;
  title?: string;
}

export class ConversationStore {
  private readonly conversations = new Map<string, StoredConversation>();

  create(ownerId: string, persisted: boolean): StoredConversation {
    const conversation: StoredConversation = { id: randomUUID(), ownerId, persisted, messageIds: new Set() };
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  /** A conversation of this owner that may be continued. */
  persisted(ownerId: string, id: string): StoredConversation | undefined {
    const conversation = this.conversations.get(id);
    return conversation?.ownerId === ownerId && conversation.persisted ? conversation : undefined;
  }

  /** Any conversation of this owner, temporary ones included (for downloads). */
  owned(ownerId: string, id: string): StoredConversation | undefined {
    const conversation = this.conversations.get(id);
    return conversation?.ownerId === ownerId ? conversation : undefined;
  }
}
