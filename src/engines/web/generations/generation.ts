/**
 * @module One protocol generation of the ChatGPT web handshake: what the client hands it, what it returns, and the
 * signal that the upstream does not speak it (web-2026.md §11 items 1 and 6), on which the selector tries the other.
 */
import type { Logger } from "../../../logger.ts";
import type { BuildInfoCache } from "../build-info.ts";
import type { PowSolver } from "../client.ts";
import { UpstreamError } from "../errors.ts";
import type { UpstreamEvent } from "../events.ts";
import type { FetchLike, UpstreamSession } from "../session.ts";

export type GenerationName = "2024" | "2026";

/** What every generation needs from the client, fixed for the process. */
export interface GenerationDeps {
  pow: PowSolver;
  /** `POW_DIFFICULTY`: refuse anything harder. */
  powDifficultyLimit: string;
  turnstileSolverUrl: string | null;
  arkoseTokenUrls: readonly string[];
  /** `CONVERSATION_ONLY`: a gateway in front of the upstream solves the sentinel. */
  conversationOnly: boolean;
  language: string;
  buildInfo: BuildInfoCache;
  fetch: FetchLike;
  random: () => number;
  now: () => Date;
  logger: Logger;
}

/** What the handshake did, for the per-request log line: never tokens, only names. */
export interface HandshakeTrace {
  /** The generation tried last (the one that answered, when the handshake succeeded). */
  generation: GenerationName | null;
  /** The proof-of-work hash the answer used (`null`: none was asked for). */
  hash: "sha3" | "fnv" | null;
  /** Decisions worth a word in the log (`fnv refused, sha3 next`, `conduit prepare failed`, …). */
  notes: string[];
}

export interface HandshakeInput {
  session: UpstreamSession;
  /** The conversation body as the 2024 web app sends it; built (and its files uploaded) on the first call only. */
  body: () => Promise<Record<string, unknown>>;
  /** Called with the persona before anything is uploaded or sent, so the caller can refuse paid models early. */
  checkPersona?: (persona: string | null) => void;
  signal?: AbortSignal;
  trace: HandshakeTrace;
}

export interface HandshakeResult {
  events: ReadableStream<UpstreamEvent>;
  /** `chatgpt-paid`, `chatgpt-freeaccount`, `chatgpt-noauth`… (null with CONVERSATION_ONLY). */
  persona: string | null;
}

export interface ProtocolGeneration {
  readonly name: GenerationName;
  open(input: HandshakeInput): Promise<HandshakeResult>;
}

/** The upstream has no endpoint of this generation at `step`: the other generation may work; `cause` is what it said. */
export class GenerationUnavailable extends Error {
  constructor(
    readonly generation: GenerationName,
    readonly step: string,
    override readonly cause: UpstreamError,
  ) {
    super(`The ${generation} web protocol is not served here (${step}: HTTP ${cause.status}).`, { cause });
    this.name = "GenerationUnavailable";
  }
}

/**
 * Whether an error says the endpoint does not exist. 405 always; 404 on endpoints that name no resource (the sentinel
 * ones, `anyNotFound`), and elsewhere only the router's bare `Not Found`, since the conversation endpoints also
 * answer 404 for an unknown model or conversation, or a stale requirements token (web-2026.md §1.9).
 */
export function isMissingEndpoint(error: unknown, anyNotFound: boolean): error is UpstreamError {
  if (!(error instanceof UpstreamError)) return false;
  if (error.status === 405) return true;
  if (error.status !== 404) return false;
  return anyNotFound || error.detail === null || error.detail === "Not Found";
}

/** Runs one call of a generation, turning "no such endpoint" into GenerationUnavailable. */
export async function orUnavailable<T>(generation: GenerationName, step: string, anyNotFound: boolean, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isMissingEndpoint(error, anyNotFound)) throw new GenerationUnavailable(generation, step, error);
    throw error;
  }
}
