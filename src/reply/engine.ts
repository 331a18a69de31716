/**
 * @module The engine interface: what the reply pipeline asks of an upstream. An engine takes one turn for one
 * caller, runs its attempt loop (a credential per attempt; another account only before the first delta) and
 * resolves once the first rendered delta is known, so a failure before it still gets its real status. Every engine
 * speaks the one vocabulary of rendered deltas, which the writers of chat chunks, chat completions and Responses
 * events turn into what the client asked for. Two implement it: WebEngine (the ChatGPT web conversation) and
 * CodexEngine (the Codex backend).
 */
import type { UpstreamSession } from "../engines/web/session.ts";
import type { AccountLease } from "../pool/account-pool.ts";
import type { Caller } from "../pool/resolve-caller.ts";
import type { RenderedDelta } from "../translate/rendered-delta.ts";

export interface OpenedTurn {
  /** The first delta is already known (and first in the stream); errors after it are `failed` deltas or ApiErrors. */
  deltas: ReadableStream<RenderedDelta>;
  /** The pool account that answered; null for a caller's own token or no-login mode. */
  lease: AccountLease | null;
  startedAt: number;
  ttftMs: number;
  /** The web engine's session of the answering attempt: links in the reply belong to its account (and proxy). */
  session?: UpstreamSession;
  /** The slug the upstream says is answering (served-model.ts), as known so far; web turns only. */
  servedModel?: () => string | null;
}

export interface Engine<Turn> {
  /** Resolves at the first delta of an attempt that was taken; rejects with the ApiError the client should see. */
  open(turn: Turn, caller: Caller, signal: AbortSignal): Promise<OpenedTurn>;
}
