/**
 * @module The 2024 handshake (upstream.md §4, §5): build scrape ▸ `sentinel/chat-requirements` (`p` proves an easy
 * SHA3 difficulty) ▸ proof of work (SHA3-512, 18 slots) ▸ Turnstile/Arkose from the configured services ▸
 * `POST /conversation` with the 2024 body. Unchanged from before generations existed, except that a missing
 * endpoint says so (GenerationUnavailable) and a no-login "Unusual activity" refusal is named as one.
 */
import { fetchArkoseToken, fetchTurnstileToken } from "../challenges.ts";
import { postConversation, type SentinelHeaders } from "../conversation.ts";
import { UpstreamError } from "../errors.ts";
import { buildPowConfig } from "../pow/config.ts";
import { isTooHard } from "../pow/difficulty.ts";
import { fetchChatRequirements } from "../requirements.ts";
import type { UpstreamSession } from "../session.ts";
import { type GenerationDeps, type HandshakeInput, type HandshakeResult, orUnavailable, type ProtocolGeneration } from "./generation.ts";
import { explainRefusal } from "./refusals.ts";

export function powTooHardError(difficulty: string, limit: string): UpstreamError {
  return new UpstreamError(
    "pow-too-hard",
    `ChatGPT asked for a proof-of-work of difficulty ${difficulty}, harder than POW_DIFFICULTY=${limit}; this account or IP is being throttled. Try another account or proxy, or later.`,
  );
}

export function powUnsolvedError(difficulty: string): UpstreamError {
  return new UpstreamError("pow-unsolved", `The proof-of-work of difficulty ${difficulty} was not solved within the attempt budget.`);
}

export class Generation2024 implements ProtocolGeneration {
  readonly name = "2024" as const;

  constructor(private readonly deps: GenerationDeps) {}

  async open(input: HandshakeInput): Promise<HandshakeResult> {
    const { session, signal } = input;
    try {
      const { sentinel, persona } = this.deps.conversationOnly ? { sentinel: {}, persona: null } : await this.solveSentinel(input);
      input.checkPersona?.(persona);
      const body = await input.body();
      const events = await orUnavailable("2024", "conversation", false, () => postConversation(session, body, sentinel, signal ? { signal } : {}));
      return { events, persona };
    } catch (error) {
      throw explainRefusal(error, { session, turnstileWithheld: false });
    }
  }

  private async solveSentinel(input: HandshakeInput): Promise<{ sentinel: SentinelHeaders; persona: string | null }> {
    const { session, signal } = input;
    const { deps } = this;
    const build = await deps.buildInfo.get(session);
    const config = buildPowConfig({
      userAgent: session.identity.userAgent,
      scriptSources: build.scriptSources,
      buildId: build.buildId,
      now: deps.now(),
      random: deps.random,
    });
    const requirementsToken = await deps.pow.requirementsToken(config);
    const requirements = await orUnavailable("2024", "chat-requirements", true, () => fetchChatRequirements(session, requirementsToken, signal));
    const sentinel: SentinelHeaders = { "openai-sentinel-chat-requirements-token": requirements.token };

    if (requirements.proofOfWork) {
      const { seed, difficulty } = requirements.proofOfWork;
      if (isTooHard(difficulty, deps.powDifficultyLimit)) throw powTooHardError(difficulty, deps.powDifficultyLimit);
      const answer = await deps.pow.solve({ seed, difficulty, config });
      if (!answer.solved) throw powUnsolvedError(difficulty);
      sentinel["openai-sentinel-proof-token"] = answer.token;
      input.trace.hash = "sha3";
    }
    if (requirements.turnstile.required) {
      sentinel["openai-sentinel-turnstile-token"] = await fetchTurnstileToken(deps.fetch, deps.turnstileSolverUrl, turnstileRequest(session, requirementsToken, requirements.turnstile.dx));
    }
    if (requirements.arkose.required) {
      sentinel["openai-sentinel-arkose-token"] = await fetchArkoseToken(deps.fetch, deps.arkoseTokenUrls, {
        dx: requirements.arkose.dx,
        persona: requirements.persona,
        random: deps.random,
      });
    }
    deps.logger.debug("sentinel solved", {
      host: session.host,
      persona: requirements.persona,
      pow: requirements.proofOfWork?.difficulty ?? null,
      turnstile: requirements.turnstile.required,
      arkose: requirements.arkose.required,
    });
    return { sentinel, persona: requirements.persona };
  }
}

/** What the Turnstile service is asked (challenges.ts): the page, the requirements token (the dx XOR key), the program, the UA. */
export function turnstileRequest(session: UpstreamSession, requirementsToken: string, dx: string | null) {
  return { host: session.host, requirementsToken, dx, userAgent: session.identity.userAgent };
}
