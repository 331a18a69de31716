/**
 * @module A reply's tokens counted as it streams, so its usage is ready when it ends instead of costing a pass over
 * the whole text then. Content and refusals count as completion text (as the writers bill them), reasoning apart.
 */
import type { CountedReply, RenderedDelta } from "./rendered-delta.ts";
import { appendInTurns, CountBudget, EventLoopTurns, TokenCounter } from "./token-counter.ts";

export class ReplyTokens {
  private readonly content: TokenCounter;
  private readonly reasoning: TokenCounter;
  private readonly turns = new EventLoopTurns();
  private counted: CountedReply | null = null;

  /**
   * `exact` when `max_tokens` cut the reply on an exact count: its usage must say the same number, and the cut
   * already bounds the text (otherwise what exceeds the default budget is extrapolated).
   */
  constructor(model: string, options: { exact?: boolean } = {}) {
    const budget = options.exact ? CountBudget.unlimited() : new CountBudget();
    this.content = new TokenCounter(model, budget);
    this.reasoning = new TokenCounter(model, budget);
  }

  /** Counts one delta's text, letting the event loop run during a long one: a promise only if it did. */
  add(delta: RenderedDelta): Promise<void> | undefined {
    if (delta.type === "content" || delta.type === "refusal") return appendInTurns(this.content, delta.text, this.turns);
    if (delta.type === "reasoning") return appendInTurns(this.reasoning, delta.text, this.turns);
    return undefined;
  }

  /** The counts of what was added: the reply is over (later calls give the same answer). */
  finish(): CountedReply {
    this.counted ??= { content: this.content.finish(), reasoning: this.reasoning.finish() };
    return this.counted;
  }
}
