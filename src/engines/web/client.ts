/**
 * @module The ChatGPT web client: one options object, then `openConversation()` runs the handshake of the protocol
 * generation the upstream speaks (generations/: 2024's single-step sentinel and `/conversation`, or 2026's
 * two-phase sentinel, conduit and `/f/conversation`; WEB_PROTOCOL chooses) and returns the decoded stream.
 */
import type { Logger } from "../../logger.ts";
import { BuildInfoCache } from "./build-info.ts";
import { UpstreamError } from "./errors.ts";
import type { UpstreamEvent } from "./events.ts";
import { Generation2024 } from "./generations/gen2024.ts";
import { Generation2026 } from "./generations/gen2026.ts";
import type { GenerationDeps, HandshakeTrace } from "./generations/generation.ts";
import { GenerationSelector, type WebProtocolSetting } from "./generations/select.ts";
import type { UpstreamIdentity } from "./identity.ts";
import type { PowConfig } from "./pow/config.ts";
import type { PowHash } from "./pow/proof-search.ts";
import { readErrorResponse } from "./read-error-response.ts";
import { conversationTreeReader } from "./images/conversation-tree.ts";
import { followLateImages } from "./images/late-images-stream.ts";
import { type FetchLike, UpstreamSession } from "./session.ts";
import { holdSlotUntilEnd, type SlotBucket, type StreamSlots } from "./stream-slots.ts";

/** What the client needs of the proof-of-work worker pool. */
export interface PowSolver {
  /** `hash`: `sha3` (2024, the default) or `fnv` (2026). */
  solve(input: { seed: string; difficulty: string; config: PowConfig; hash?: PowHash }): Promise<{ solved: boolean; token: string }>;
  /** The 2024 requirements token (an easy SHA3 proof); 2026's is a plain encoding (pow/requirements-2026.ts). */
  requirementsToken(config: PowConfig): Promise<string>;
}

export interface UpstreamClientOptions {
  /** `CHATGPT_BASE_URL` hosts; one is picked per request. */
  hosts: readonly string[];
  language: string;
  authKey: string | null;
  conversationOnly: boolean;
  /** `POW_DIFFICULTY`: refuse anything harder. */
  powDifficultyLimit: string;
  pow: PowSolver;
  turnstileSolverUrl: string | null;
  arkoseTokenUrls: readonly string[];
  logger: Logger;
  /** `WEB_PROTOCOL`: `auto` (default) tries 2026 and falls back to 2024 per base URL. */
  webProtocol?: WebProtocolSetting;
  /** How long a fallback (to 2024, or to the other proof-of-work hash) holds before 2026/FNV is probed again. */
  reprobeAfterMs?: number;
  fetch?: FetchLike;
  random?: () => number;
  now?: () => Date;
  buildInfo?: BuildInfoCache;
  /** Limits conversations at once (overall and per bucket); without it they are unlimited. */
  streams?: StreamSlots;
  /** `LATE_IMAGE_WAIT_MS`: how long an image that finishes after the stream is waited for (default 180 s). */
  lateImageWaitMs?: number;
}

export interface OpenedConversation {
  events: ReadableStream<UpstreamEvent>;
  /** `chatgpt-paid`, `chatgpt-freeaccount`, `chatgpt-noauth`… (null with CONVERSATION_ONLY). */
  persona: string | null;
  session: UpstreamSession;
}

/** Builds the body on first use only: a fallback to another generation must not upload the files twice. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

export class UpstreamClient {
  private readonly options: UpstreamClientOptions;
  private readonly fetch: FetchLike;
  private readonly random: () => number;
  private readonly selector: GenerationSelector;

  constructor(options: UpstreamClientOptions) {
    this.options = options;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.random = options.random ?? Math.random;
    const now = options.now ?? (() => new Date());
    const deps: GenerationDeps = {
      pow: options.pow,
      powDifficultyLimit: options.powDifficultyLimit,
      turnstileSolverUrl: options.turnstileSolverUrl,
      arkoseTokenUrls: options.arkoseTokenUrls,
      conversationOnly: options.conversationOnly,
      language: options.language,
      buildInfo: options.buildInfo ?? new BuildInfoCache(),
      fetch: this.fetch,
      random: this.random,
      now,
      logger: options.logger,
    };
    const reprobe = options.reprobeAfterMs !== undefined ? { reprobeAfterMs: options.reprobeAfterMs } : {};
    this.selector = new GenerationSelector({
      setting: options.webProtocol ?? "auto",
      generations: { "2024": new Generation2024(deps), "2026": new Generation2026(deps, reprobe) },
      conversationOnly: options.conversationOnly,
      now: () => now().getTime(),
      ...reprobe,
    });
  }

  /** A session on one of the configured hosts, picked at random (upstream.md §2). */
  session(identity: UpstreamIdentity): UpstreamSession {
    const { hosts } = this.options;
    const host = hosts[Math.floor(this.random() * hosts.length)] ?? hosts[0];
    if (!host) throw new Error("no upstream host configured");
    return new UpstreamSession({ host, identity, language: this.options.language, authKey: this.options.authKey, fetch: this.fetch });
  }

  async openConversation(input: {
    identity: UpstreamIdentity;
    /**
     * The conversation body, built once the session exists: uploads (files belong to the account of this attempt)
     * happen here, after the sentinel said the account may go ahead and before the conversation is sent.
     */
    prepareBody: (session: UpstreamSession) => Promise<Record<string, unknown>>;
    signal?: AbortSignal;
    /** Called with the persona before anything is uploaded or sent, so the caller can refuse paid models early. */
    checkPersona?: (persona: string | null) => void;
    /** Whose stream slot this conversation takes (the pool account, the caller's own token, or no-login mode); none without it. */
    bucket?: SlotBucket;
  }): Promise<OpenedConversation> {
    // taken before the handshake, so a request that would be refused costs no proof-of-work; held to the stream's end
    const slot = input.bucket ? await this.options.streams?.acquire(input.bucket, input.signal) : undefined;
    let session: UpstreamSession;
    try {
      session = this.session(input.identity);
    } catch (error) {
      slot?.release();
      throw error;
    }
    const trace: HandshakeTrace = { generation: null, hash: null, notes: [] };
    try {
      const opened = await this.selector.open({
        session,
        body: once(() => input.prepareBody(session)),
        trace,
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.checkPersona ? { checkPersona: input.checkPersona } : {}),
      });
      this.logHandshake(session, trace, null);
      // an image still being drawn when the stream ends is fetched from the conversation (web-2026.md §7.2)
      const events = followLateImages(opened.events, {
        readTree: conversationTreeReader(session),
        ...(this.options.lateImageWaitMs !== undefined ? { wait: { timeoutMs: this.options.lateImageWaitMs } } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      const { persona } = opened;
      return { events: slot ? holdSlotUntilEnd(events, slot, input.signal) : events, persona, session };
    } catch (error) {
      slot?.release();
      this.logHandshake(session, trace, error);
      throw error;
    }
  }

  /** One line per request: which generation and hash, and the calls made (method, path, status; never a token). */
  private logHandshake(session: UpstreamSession, trace: HandshakeTrace, error: unknown): void {
    this.options.logger.info("web handshake", {
      host: session.host,
      generation: trace.generation ?? "none",
      hash: trace.hash ?? "none",
      calls: session.calls.join(", "),
      ...(trace.notes.length > 0 ? { notes: trace.notes.join("; ") } : {}),
      ...(error ? { failed: error instanceof UpstreamError ? error.kind : error instanceof Error ? error.name : "error" } : {}),
    });
  }

  /** The conversation slots, when limited: the pool prefers accounts whose bucket has room. */
  get streams(): StreamSlots | undefined {
    return this.options.streams;
  }

  /** `GET {base}/models`: the slugs this account may use (CHECK_MODEL). */
  async listModelSlugs(identity: UpstreamIdentity, signal?: AbortSignal): Promise<string[]> {
    const session = this.session(identity);
    const response = await session.request("models", { timeoutMs: 10_000, signal });
    if (!response.ok) throw await readErrorResponse(response, "the model list");
    const body = (await response.json().catch(() => null)) as { models?: Array<{ slug?: unknown }> } | null;
    return (body?.models ?? []).map((model) => model.slug).filter((slug): slug is string => typeof slug === "string");
  }
}
