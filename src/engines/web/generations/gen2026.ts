/**
 * @module The 2026 handshake (web-2026.md §1.1, in AU/QW's accepted order): build scrape ▸ sentinel prepare (`p`: the
 * 25-slot fingerprint, encoded once) ▸ proof of work (FNV first) ▸ Turnstile/Arkose ▸ sentinel finalize ▸ the 2026
 * body ▸ conduit prepare ▸ `POST f/conversation` with the identity, sentinel and conduit headers.
 *
 * Every write has its own bundle (prepare token, finalize token, proof, Turnstile answer, conduit token): nothing is
 * kept across requests but the page's build info and which proof-of-work hash this upstream accepted. A refused
 * proof is retried once, from a fresh page scrape and a fresh bundle, with the other hash (§11 item 2), and the
 * hash that passed is remembered for this base URL for 30 minutes.
 */
import { fetchArkoseToken, fetchTurnstileToken } from "../challenges.ts";
import { BROWSER_TIME_ZONE, browserClock } from "../browser-clock.ts";
import { postConversation, type SentinelHeaders } from "../conversation.ts";
import { UpstreamError } from "../errors.ts";
import { buildPowConfig2026 } from "../pow/config-2026.ts";
import { isTooHard } from "../pow/difficulty.ts";
import type { PowHash } from "../pow/proof-search.ts";
import { requirementsToken2026 } from "../pow/requirements-2026.ts";
import { conduitPrepareBody, toConversationBody2026 } from "../../../translate/build-conversation-body-2026.ts";
import { CONDUIT_PREPARE_PATH, prepareConduit } from "./conduit.ts";
import { powTooHardError, powUnsolvedError, turnstileRequest } from "./gen2024.ts";
import { type GenerationDeps, type HandshakeInput, type HandshakeResult, orUnavailable, type ProtocolGeneration } from "./generation.ts";
import { HostMemory, REPROBE_AFTER_MS } from "./host-memory.ts";
import { identityHeaders2026 } from "./identity-headers.ts";
import { explainRefusal, forceLoginError } from "./refusals.ts";
import { finalizeSentinel, prepareSentinel, SENTINEL_FINALIZE_PATH, SENTINEL_PREPARE_PATH } from "./sentinel-2026.ts";

export const CONVERSATION_PATH_2026 = "f/conversation";

/** A proof the upstream refused (finalize or write 403 about the proof, or the write's bare 403): another hash may pass. */
class ProofRefused extends Error {
  constructor(override readonly cause: UpstreamError) {
    super(cause.message, { cause });
  }
}

function refusesProof(error: unknown): error is UpstreamError {
  // a Cloudflare challenge page is a 403 too, but about this server's IP: no hash gets past it
  if (!(error instanceof UpstreamError) || error.status !== 403 || error.kind !== "forbidden") return false;
  return !error.detail || /proof|work/i.test(error.detail);
}

/** Runs a call that carried `proof`; a refusal of it becomes ProofRefused. */
async function proofChecked<T>(proof: string | null, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (proof !== null && refusesProof(error)) throw new ProofRefused(error);
    throw error;
  }
}

interface AttemptState {
  /** The upstream asked for Turnstile and nothing was sent (no TURNSTILE_SOLVER_URL). */
  turnstileWithheld: boolean;
}

export class Generation2026 implements ProtocolGeneration {
  readonly name = "2026" as const;
  /** The hash each base URL accepted when it was not FNV; forgotten after a while, so FNV is tried again. */
  private readonly hashes: HostMemory<PowHash>;

  constructor(
    private readonly deps: GenerationDeps,
    options: { reprobeAfterMs?: number } = {},
  ) {
    this.hashes = new HostMemory(options.reprobeAfterMs ?? REPROBE_AFTER_MS, () => deps.now().getTime());
  }

  async open(input: HandshakeInput): Promise<HandshakeResult> {
    const { session } = input;
    // the device cookie is ours: it must equal oai-device-id, whatever the page sets (§1.4, §2.3)
    session.pinCookie("oai-did", session.identity.deviceId);
    const state: AttemptState = { turnstileWithheld: false };
    const first = this.hashes.get(session.host) ?? "fnv";
    try {
      try {
        const result = await this.attempt(input, first, state);
        // FNV is the page's own hash: it worked, so a remembered SHA3 (this request probed past it) is let go
        if (first === "fnv") this.hashes.forget(session.host);
        return result;
      } catch (error) {
        if (!(error instanceof ProofRefused)) throw error;
        const other: PowHash = first === "fnv" ? "sha3" : "fnv";
        input.trace.notes.push(`${first} proof refused (HTTP 403), ${other} next`);
        this.deps.buildInfo.invalidate(session.host);
        const result = await this.attempt(input, other, state);
        if (other === "fnv") this.hashes.forget(session.host);
        else this.hashes.set(session.host, other);
        return result;
      }
    } catch (error) {
      throw explainRefusal(error instanceof ProofRefused ? error.cause : error, { session, turnstileWithheld: state.turnstileWithheld });
    }
  }

  private async attempt(input: HandshakeInput, hash: PowHash, state: AttemptState): Promise<HandshakeResult> {
    const { session, signal, trace } = input;
    const { deps } = this;
    const build = await deps.buildInfo.get(session);
    const headersFor = (path: string) => identityHeaders2026(session, build, path);
    // uploads, the conversation tree and downloads then carry them too, as the page's own calls do (web-2026.md §2.1)
    session.setBackendHeaders(headersFor);
    const now = deps.now();
    const clock = browserClock(BROWSER_TIME_ZONE, now);
    const bodyOf = async () => toConversationBody2026(await input.body(), { timezone: clock.timezone, timezoneOffsetMin: clock.offsetMin });
    const traceId = crypto.randomUUID();
    const writeHeaders = (conduit: string | null) => ({
      ...headersFor(CONVERSATION_PATH_2026),
      "x-oai-turn-trace-id": traceId,
      ...(conduit ? { "x-conduit-token": conduit } : {}),
    });
    const write = (body: Record<string, unknown>, sentinel: SentinelHeaders, conduit: string | null) =>
      orUnavailable("2026", "f/conversation", false, () =>
        postConversation(session, body, sentinel, { path: CONVERSATION_PATH_2026, headers: writeHeaders(conduit), ...(signal ? { signal } : {}) }),
      );

    if (deps.conversationOnly) {
      // a gateway in front solves the sentinel and the conduit; persona unknown, as in 2024
      input.checkPersona?.(null);
      return { events: await write(await bodyOf(), {}, null), persona: null };
    }

    const config = buildPowConfig2026({
      userAgent: session.identity.userAgent,
      scriptSources: build.scriptSources,
      dataBuild: build.dataBuild,
      language: deps.language,
      dateString: clock.dateString,
      deviceId: session.identity.deviceId,
      now,
      random: deps.random,
    });
    const requirementsToken = requirementsToken2026(config, deps.random);
    const prepared = await orUnavailable("2026", "sentinel prepare", true, () =>
      prepareSentinel(session, requirementsToken, { headers: headersFor(SENTINEL_PREPARE_PATH), signal }),
    );
    if (prepared.forceLogin && session.identity.accessToken === null) throw forceLoginError();
    input.checkPersona?.(prepared.persona);

    const sentinel: SentinelHeaders = {};
    let proof: string | null = null;
    if (prepared.proofOfWork) {
      const { seed, difficulty } = prepared.proofOfWork;
      if (isTooHard(difficulty, deps.powDifficultyLimit)) throw powTooHardError(difficulty, deps.powDifficultyLimit);
      const answer = await deps.pow.solve({ seed, difficulty, config, hash });
      if (!answer.solved) throw powUnsolvedError(difficulty);
      proof = answer.token;
      sentinel["openai-sentinel-proof-token"] = proof;
      trace.hash = hash;
    }
    let turnstile: string | null = null;
    if (prepared.turnstile.required) {
      if (deps.turnstileSolverUrl) {
        turnstile = await fetchTurnstileToken(deps.fetch, deps.turnstileSolverUrl, turnstileRequest(session, requirementsToken, prepared.turnstile.dx));
        sentinel["openai-sentinel-turnstile-token"] = turnstile;
      } else {
        // some sessions pass without it (§4.2); a refusal then names the setting (refusals.ts)
        state.turnstileWithheld = true;
        trace.notes.push("turnstile required, no solver: sent without");
      }
    }
    if (prepared.arkose.required) {
      sentinel["openai-sentinel-arkose-token"] = await fetchArkoseToken(deps.fetch, deps.arkoseTokenUrls, { dx: prepared.arkose.dx, persona: prepared.persona, random: deps.random });
    }
    const finalized = await proofChecked(proof, () =>
      orUnavailable("2026", "sentinel finalize", true, () =>
        finalizeSentinel(session, { prepareToken: prepared.prepareToken, proof, turnstile }, { headers: headersFor(SENTINEL_FINALIZE_PATH), signal }),
      ),
    );
    sentinel["openai-sentinel-chat-requirements-token"] = finalized.token;
    if (finalized.soToken) sentinel["openai-sentinel-so-token"] = finalized.soToken;

    const body = await bodyOf();
    const conduit = await prepareConduit(session, conduitPrepareBody(body), {
      headers: { ...headersFor(CONDUIT_PREPARE_PATH), "x-oai-turn-trace-id": traceId },
      signal,
      trace,
    });
    const events = await proofChecked(proof, () => write(body, sentinel, conduit));
    deps.logger.debug("sentinel solved", {
      host: session.host,
      persona: finalized.persona ?? prepared.persona,
      pow: prepared.proofOfWork?.difficulty ?? null,
      turnstile: prepared.turnstile.required,
      arkose: prepared.arkose.required,
      so: prepared.so.required,
    });
    return { events, persona: finalized.persona ?? prepared.persona };
  }
}
