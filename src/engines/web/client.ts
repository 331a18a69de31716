/**
 * @module The ChatGPT web client: one options object, then `openConversation()` runs the whole handshake
 * (build scrape ▸ chat-requirements ▸ proof-of-work ▸ turnstile/arkose) and returns the decoded stream.
 */
import type { Logger } from "../../logger.ts";
import { BuildInfoCache } from "./build-info.ts";
import { fetchArkoseToken, fetchTurnstileToken } from "./challenges.ts";
import { postConversation, type SentinelHeaders } from "./conversation.ts";
import { UpstreamError } from "./errors.ts";
import type { UpstreamEvent } from "./events.ts";
import type { UpstreamIdentity } from "./identity.ts";
import { buildPowConfig, type PowConfig } from "./pow/config.ts";
import { isTooHard } from "./pow/difficulty.ts";
import { fetchChatRequirements } from "./requirements.ts";
import { readErrorResponse } from "./read-error-response.ts";
import { type FetchLike, UpstreamSession } from "./session.ts";
import { holdSlotUntilEnd, type SlotBucket, type StreamSlots } from "./stream-slots.ts";

/** What the client needs of the proof-of-work worker pool. */
export interface PowSolver {
  solve(input: { seed: string; difficulty: string; config: PowConfig }): Promise<{ solved: boolean; token: string }>;
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
  fetch?: FetchLike;
  random?: () => number;
  now?: () => Date;
  buildInfo?: BuildInfoCache;
  /** Limits conversations at once (overall and per bucket); without it they are unlimited. */
  streams?: StreamSlots;
}

export interface OpenedConversation {
  events: ReadableStream<UpstreamEvent>;
  /** `chatgpt-paid`, `chatgpt-freeaccount`, `chatgpt-noauth`… (null with CONVERSATION_ONLY). */
  persona: string | null;
  session: UpstreamSession;
}

export class UpstreamClient {
  private readonly options: UpstreamClientOptions;
  private readonly fetch: FetchLike;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly buildInfo: BuildInfoCache;

  constructor(options: UpstreamClientOptions) {
    this.options = options;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.buildInfo = options.buildInfo ?? new BuildInfoCache();
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
    try {
      const session = this.session(input.identity);
      const { sentinel, persona } = this.options.conversationOnly
        ? { sentinel: {}, persona: null }
        : await this.solveSentinel(session, input.signal);
      input.checkPersona?.(persona);
      const body = await input.prepareBody(session);
      const events = await postConversation(session, body, sentinel, input.signal);
      return { events: slot ? holdSlotUntilEnd(events, slot, input.signal) : events, persona, session };
    } catch (error) {
      slot?.release();
      throw error;
    }
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

  private async solveSentinel(session: UpstreamSession, signal?: AbortSignal): Promise<{ sentinel: SentinelHeaders; persona: string | null }> {
    const build = await this.buildInfo.get(session);
    const config = buildPowConfig({
      userAgent: session.identity.userAgent,
      scriptSources: build.scriptSources,
      buildId: build.buildId,
      now: this.now(),
      random: this.random,
    });
    const requirementsToken = await this.options.pow.requirementsToken(config);
    const requirements = await fetchChatRequirements(session, requirementsToken, signal);
    const sentinel: SentinelHeaders = { "openai-sentinel-chat-requirements-token": requirements.token };

    if (requirements.proofOfWork) {
      const { seed, difficulty } = requirements.proofOfWork;
      if (isTooHard(difficulty, this.options.powDifficultyLimit)) {
        throw new UpstreamError(
          "pow-too-hard",
          `ChatGPT asked for a proof-of-work of difficulty ${difficulty}, harder than POW_DIFFICULTY=${this.options.powDifficultyLimit}; this account or IP is being throttled. Try another account or proxy, or later.`,
        );
      }
      const answer = await this.options.pow.solve({ seed, difficulty, config });
      if (!answer.solved) {
        throw new UpstreamError("pow-unsolved", `The proof-of-work of difficulty ${difficulty} was not solved within the attempt budget.`);
      }
      sentinel["openai-sentinel-proof-token"] = answer.token;
    }
    if (requirements.turnstile.required) {
      sentinel["openai-sentinel-turnstile-token"] = await fetchTurnstileToken(this.fetch, this.options.turnstileSolverUrl, {
        host: session.host,
        requirementsToken,
        dx: requirements.turnstile.dx,
        userAgent: session.identity.userAgent,
      });
    }
    if (requirements.arkose.required) {
      sentinel["openai-sentinel-arkose-token"] = await fetchArkoseToken(this.fetch, this.options.arkoseTokenUrls, {
        dx: requirements.arkose.dx,
        persona: requirements.persona,
        random: this.random,
      });
    }
    this.options.logger.debug("sentinel solved", {
      host: session.host,
      persona: requirements.persona,
      pow: requirements.proofOfWork?.difficulty ?? null,
      turnstile: requirements.turnstile.required,
      arkose: requirements.arkose.required,
    });
    return { sentinel, persona: requirements.persona };
  }
}
