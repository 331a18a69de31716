/**
 * @module Token counting in linear time with bounded work. The byte-pair merge (bpe/) is quadratic in the length of
 * one pre-tokenizer piece (an unbroken run of letters, symbols or spaces), so a 1 MB run would never finish.
 * Text is walked with the tokenizer's own split pattern and cut into segments at piece boundaries that change
 * nothing (exact), pieces longer than {@link RUN_CHUNK} characters are counted in chunks of that size (close: a
 * chunk edge may fall inside a token), and what exceeds a {@link CountBudget} is extrapolated from what was counted.
 * Appending is incremental, so a reply is counted while it streams with the same result as counting it at the end.
 */
import { loadEncoding } from "./bpe/encodings.ts";
import type { TokenizerEncoding } from "./model-names.ts";
import { tokenizerEncoding } from "./model-names.ts";

/** Special-token text such as "<|endoftext|>" in the input is plain text, never a control token. */
export interface Tokenizer {
  count(text: string): number;
  encode(text: string): number[];
  /** A character the last tokens leave incomplete is left out. */
  decode(tokens: number[]): string;
  /** The encoding's pre-tokenizer: every character belongs to exactly one match, in order. */
  split: RegExp;
}

const tokenizers = new Map<TokenizerEncoding, Tokenizer>();

/**
 * An encoding's table is built on first use (25–95 ms, a few MiB, blocking the thread once): lazily, so the server
 * is ready without it, and one that never sees a cl100k model never builds that one (issue 12's start-up).
 */
export function tokenizerFor(model: string): Tokenizer {
  const encoding = tokenizerEncoding(model);
  let tokenizer = tokenizers.get(encoding);
  if (!tokenizer) {
    tokenizer = loadEncoding(encoding);
    tokenizers.set(encoding, tokenizer);
  }
  return tokenizer;
}

/**
 * Lets go of the built tables (o200k_base alone holds ~4 MiB), so a quiet server can hand them back: the next count
 * builds them again (25–95 ms, once). A counter already holding a table keeps it until it ends. Returns how many
 * encodings were let go.
 */
export function releaseTokenizers(): number {
  const released = tokenizers.size;
  tokenizers.clear();
  return released;
}

/** Pieces longer than this many UTF-16 units are counted in chunks of it: the merge costs ~length² per piece. */
export const RUN_CHUNK = 256;
/** A cut is final once this much text follows it: a contraction (`'ll`) decides a piece 3 characters ahead. */
const LOOKAHEAD = 4;
/** Exact segments handed to the tokenizer at once: long enough to amortise its per-call cost. */
const SEGMENT = 8192;

export interface Segment {
  text: string;
  /** A chunk of an over-long piece rather than whole pieces. */
  run: boolean;
}

const NON_SPACE = /\S/;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The next chunk end of an over-long piece, never between the halves of a surrogate pair. */
function chunkEnd(text: string, at: number): number {
  const end = at + RUN_CHUNK;
  return isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
}

/**
 * The segments `text` can be cut into now, and how many of its characters they cover. Without `final` only cuts
 * that no later text can move are made. A boundary after a piece holding a non-space character is exact: the
 * split pattern has no look-behind, and only its whitespace alternatives look ahead or at the end of input.
 */
export function cutSegments(text: string, final: boolean, split: RegExp): { segments: Segment[]; consumed: number } {
  const limit = final ? text.length : text.length - LOOKAHEAD;
  const segments: Segment[] = [];
  let start = 0;
  let safe = 0;
  const flush = (end: number): void => {
    if (end > start) segments.push({ text: text.slice(start, end), run: false });
    start = end;
  };
  const chunks = (from: number, to: number, whole: boolean): number => {
    let at = from;
    while (whole ? at < to : to - at >= RUN_CHUNK) {
      const end = Math.min(chunkEnd(text, at), to);
      segments.push({ text: text.slice(at, end), run: true });
      at = end;
    }
    return at;
  };
  split.lastIndex = 0;
  for (let match = split.exec(text); match !== null; match = split.exec(text)) {
    const pieceStart = match.index;
    const pieceEnd = pieceStart + match[0].length;
    if (pieceEnd > limit) {
      // a piece still growing: its chunks up to `limit` are final, as the piece can only grow
      if (limit - pieceStart > RUN_CHUNK) {
        flush(pieceStart);
        safe = start = chunks(pieceStart, limit, false);
      }
      break;
    }
    if (pieceEnd - pieceStart > RUN_CHUNK) {
      flush(pieceStart);
      safe = start = chunks(pieceStart, pieceEnd, true);
    } else if (NON_SPACE.test(match[0])) {
      safe = pieceEnd;
      if (safe - start >= SEGMENT) flush(safe);
    }
  }
  flush(final ? text.length : safe);
  return { segments, consumed: start };
}

interface Tally {
  /** UTF-8 bytes still counted exactly. */
  left: number;
  tokens: number;
  bytes: number;
}

/**
 * How much text one request may have counted exactly (UTF-8 bytes; the merge's cost follows bytes, not
 * characters); the rest is estimated at the tokens per byte seen so far. Shared by all counters of one request.
 */
export class CountBudget {
  readonly text: Tally;
  readonly run: Tally;

  constructor(limits: { textBytes: number; runBytes: number } = DEFAULT_BUDGET) {
    this.text = { left: limits.textBytes, tokens: 0, bytes: 0 };
    this.run = { left: limits.runBytes, tokens: 0, bytes: 0 };
  }

  static unlimited(): CountBudget {
    return new CountBudget({ textBytes: Number.POSITIVE_INFINITY, runBytes: Number.POSITIVE_INFINITY });
  }
}

/**
 * 2 MiB of ordinary text (1.38 MB of prose counts exactly; worst case, random CJK, ~8 s of CPU in slices with
 * gpt-tokenizer's tables, about a quarter of that with ours) and 64 KiB of over-long runs (~0.3 s):
 * bench/tokens.bench.ts has the figures.
 */
export const DEFAULT_BUDGET = { textBytes: 2 * 1024 * 1024, runBytes: 64 * 1024 };

/** A typical 4 bytes per token, for estimates before anything was counted exactly. */
const FALLBACK_TOKENS_PER_BYTE = 0.25;

export class TokenCounter {
  private readonly tokenizer: Tokenizer;
  private readonly budget: CountBudget;
  private pending = "";
  private exact = 0;
  private estimatedText = 0;
  private estimatedRun = 0;

  constructor(model: string, budget: CountBudget = new CountBudget()) {
    this.tokenizer = tokenizerFor(model);
    this.budget = budget;
  }

  /** Counts what `text` settles; the cost is linear in `text` plus a bounded tail kept for the next call. */
  append(text: string): void {
    if (text === "") return;
    this.pending += text;
    const { segments, consumed } = cutSegments(this.pending, false, this.tokenizer.split);
    for (const segment of segments) this.add(segment);
    if (consumed > 0) this.pending = this.pending.slice(consumed);
  }

  /** Counts the tail too: the text is complete. */
  finish(): number {
    for (const segment of cutSegments(this.pending, true, this.tokenizer.split).segments) this.add(segment);
    this.pending = "";
    return this.total();
  }

  /** The count of everything appended so far, as if it were complete, without settling the tail. */
  peek(): number {
    let tail = 0;
    for (const segment of cutSegments(this.pending, true, this.tokenizer.split).segments) tail += this.tokenizer.count(segment.text);
    return this.total() + tail;
  }

  /** The text not settled yet: it begins at a cut, so counting it anew gives what `peek` adds. */
  get tail(): string {
    return this.pending;
  }

  /** Settled tokens: exact ones plus the estimate of what exceeded the budget. */
  total(): number {
    const rate = (tally: Tally) => (tally.bytes > 0 ? tally.tokens / tally.bytes : FALLBACK_TOKENS_PER_BYTE);
    return this.exact + Math.round(this.estimatedText * rate(this.budget.text) + this.estimatedRun * rate(this.budget.run));
  }

  private add(segment: Segment): void {
    const tally = segment.run ? this.budget.run : this.budget.text;
    const bytes = Buffer.byteLength(segment.text, "utf8");
    if (bytes > tally.left) {
      if (segment.run) this.estimatedRun += bytes;
      else this.estimatedText += bytes;
      return;
    }
    const tokens = this.tokenizer.count(segment.text);
    tally.left -= bytes;
    tally.tokens += tokens;
    tally.bytes += bytes;
    this.exact += tokens;
  }
}

/** Characters handed to a counter between looks at the clock. */
export const SLICE = 4096;
/** Work between two turns of the event loop. */
const TURN_MS = 8;

/**
 * Lets timers and sockets run: a long count never holds the event loop for more than about {@link TURN_MS}. A look
 * that finds no turn due returns nothing rather than a settled promise: a reply's every chunk looks, and a promise
 * and an await per chunk were a good part of what streaming a reply allocated (bench/RESULTS.md, "Issue 12, fifth
 * session").
 */
export class EventLoopTurns {
  private last = performance.now();

  /** A promise of the event loop's turn when one is due, else nothing. */
  maybeYield(): Promise<void> | undefined {
    if (performance.now() - this.last < TURN_MS) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.last = performance.now();
    });
  }
}

/** Appends `text` in slices, letting the event loop run between them: a promise only once a turn was due. */
export function appendInTurns(counter: TokenCounter, text: string, turns: EventLoopTurns, from = 0): Promise<void> | undefined {
  for (let at = from; at < text.length; at += SLICE) {
    counter.append(text.slice(at, at + SLICE));
    const turn = turns.maybeYield();
    if (turn) return turn.then(() => appendInTurns(counter, text, turns, at + SLICE));
  }
  return undefined;
}
