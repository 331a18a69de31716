/**
 * @module The two-phase 2026 sentinel (web-2026.md §1.5, §1.6, §10 items 4–7, 10–13): `prepare` hands out a
 * single-use `prepare_token` bound to (account, device) with the challenges; `finalize` checks the FNV proof and the
 * Turnstile answer and issues the write token; `f/conversation` spends that token once and must repeat the very proof
 * and Turnstile strings finalize saw.
 */
import { randomBytes, randomInt } from "node:crypto";
import type { Caller } from "../accounts.ts";
import type { ChallengeSolvers } from "../challenge-solvers.ts";
import { detail, HttpError, json, readJsonObject } from "../http.ts";
import { personaFor } from "../models.ts";
import { REQUIREMENTS_PREFIX } from "../pow-verify.ts";
import { SENTINEL_TOKEN_LIFETIME_MS, type SentinelCounters, type SentinelSettings, spendToken, type TokenBinding } from "../sentinel.ts";
import { decodeConfig2026, verifyProof2026 } from "./fnv.ts";

export const UNUSUAL_ACTIVITY = "Unusual activity has been detected from your device. Try again later.";

export interface TwoPhaseSettings extends SentinelSettings {
  acceptSha3: boolean;
  soRequired: boolean;
}

interface PrepareRecord extends TokenBinding {
  pow?: { seed: string; difficulty: string };
  turnstileDx?: string;
  arkoseDx?: string;
}

interface WriteTokenRecord extends TokenBinding {
  /** The proof string finalize verified; the write must send it again. */
  proof?: string;
  /** The Turnstile answer finalize checked; the write must send it again. */
  turnstile?: string;
  arkoseDx?: string;
}

function forbidden(message: string): never {
  throw detail(403, message);
}

function opaqueToken(): string {
  return `gAAAAAB${randomBytes(96).toString("base64url")}`;
}

/** `0.` and 16 digits, like the browser's `Math.random()` seeds. */
function newSeed(): string {
  return `0.${Array.from({ length: 16 }, () => randomInt(10)).join("")}`;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw detail(422, `Field "${key}" must be a string`);
  return value;
}

export class TwoPhaseSentinel {
  private readonly prepares = new Map<string, PrepareRecord>();
  private readonly writeTokens = new Map<string, WriteTokenRecord>();

  constructor(
    private readonly now: () => number,
    private readonly solvers: ChallengeSolvers,
    private readonly counters: SentinelCounters,
  ) {}

  /** `POST …/sentinel/chat-requirements/prepare` `{"p": "gAAAAAC…[~S]" | null}`. */
  async prepare(request: Request, caller: Caller, deviceId: string, settings: TwoPhaseSettings): Promise<Response> {
    if (!request.headers.get("user-agent")) throw detail(400, "Missing required header user-agent");
    const body = await readJsonObject(request);
    if (!("p" in body)) throw detail(400, 'Field "p" is required: a requirements token or null');
    if (body.p !== null && (typeof body.p !== "string" || !decodeConfig2026(body.p, REQUIREMENTS_PREFIX))) {
      throw detail(400, 'Field "p" must be gAAAAAC + base64 of a JSON array of 18 or 25 slots (optionally ~S), or null');
    }
    const record: PrepareRecord = { callerId: caller.id, deviceId, expiresAt: this.now() + SENTINEL_TOKEN_LIFETIME_MS, used: false };
    if (settings.requirePow) record.pow = { seed: newSeed(), difficulty: settings.difficulty };
    if (settings.turnstile) record.turnstileDx = this.solvers.newDx();
    if (settings.arkose) record.arkoseDx = this.solvers.newDx();
    const prepareToken = opaqueToken();
    this.prepares.set(prepareToken, record);
    return json(
      200,
      {
        persona: personaFor(caller.plan),
        prepare_token: prepareToken,
        proofofwork: record.pow ? { required: true, ...record.pow } : { required: false },
        turnstile: { required: settings.turnstile, dx: record.turnstileDx ?? null },
        so: { required: settings.soRequired, collector_dx: this.solvers.newDx(), snapshot_dx: this.solvers.newDx() },
        arkose: { required: settings.arkose, dx: record.arkoseDx ?? null },
      },
      { "set-cookie": `oai-sc=${randomBytes(24).toString("base64url")}; Path=/; HttpOnly; SameSite=Lax` },
    );
  }

  /**
   * `POST …/finalize` `{prepare_token, proofofwork?, turnstile?}`: the prepare token is spent even when a later check
   * fails. Returns the write token with `expire_after`/`expire_at`, and an `so_token`.
   */
  async finalize(request: Request, caller: Caller, deviceId: string, settings: TwoPhaseSettings): Promise<{ response: Response; powVerified: boolean }> {
    const body = await readJsonObject(request);
    if (typeof body.prepare_token !== "string" || body.prepare_token === "") throw detail(422, 'Field "prepare_token" is required');
    const proof = optionalString(body, "proofofwork");
    const turnstile = optionalString(body, "turnstile");
    const prepare = spendToken(this.prepares, body.prepare_token, caller, deviceId, "prepare token", "prepare_token");
    if (this.now() >= prepare.expiresAt) forbidden("Prepare token has expired");
    let powVerified = false;
    if (prepare.pow) {
      const verdict = proof ? verifyProof2026(proof, prepare.pow.seed, prepare.pow.difficulty, settings.acceptSha3) : { ok: false as const, reason: 'Missing "proofofwork"' };
      if (!verdict.ok) {
        this.counters.powRejected++;
        forbidden(verdict.reason);
      }
      this.counters.powVerified++;
      powVerified = true;
    }
    if (prepare.turnstileDx !== undefined && turnstile !== this.solvers.turnstileAnswer(prepare.turnstileDx)) {
      forbidden("Turnstile token missing or invalid");
    }
    const token = opaqueToken();
    const expiresAt = this.now() + SENTINEL_TOKEN_LIFETIME_MS;
    this.writeTokens.set(token, {
      callerId: caller.id,
      deviceId,
      expiresAt,
      used: false,
      ...(prepare.pow ? { proof } : {}),
      ...(prepare.turnstileDx !== undefined ? { turnstile } : {}),
      ...(prepare.arkoseDx !== undefined ? { arkoseDx: prepare.arkoseDx } : {}),
    });
    const response = json(200, {
      persona: personaFor(caller.plan),
      token,
      expire_after: SENTINEL_TOKEN_LIFETIME_MS / 1000,
      expire_at: Math.floor(expiresAt / 1000),
      so_token: randomBytes(48).toString("base64"),
    });
    return { response, powVerified };
  }

  /**
   * Checks the sentinel headers of `f/conversation`: the write token is spent on first use (a second use is 403), an
   * expired one is the stale-token 404, a proof that is not finalize's is an empty-bodied 403, a missing Turnstile
   * answer the "Unusual activity" 403. Returns whether the bundle's proof was verified at finalize.
   */
  verifyWrite(headers: Headers, caller: Caller, deviceId: string): { powVerified: boolean } {
    const header = "openai-sentinel-chat-requirements-token";
    const record = spendToken(this.writeTokens, headers.get(header), caller, deviceId, "chat requirements token", header);
    if (this.now() >= record.expiresAt) throw detail(404, "Chat requirements token is stale; finalize a new one");
    if (record.proof !== undefined && headers.get("openai-sentinel-proof-token") !== record.proof) {
      throw new HttpError(new Response(null, { status: 403 }), "proof token is not the one finalize verified");
    }
    if (record.turnstile !== undefined && headers.get("openai-sentinel-turnstile-token") !== record.turnstile) forbidden(UNUSUAL_ACTIVITY);
    if (record.arkoseDx !== undefined && headers.get("openai-sentinel-arkose-token") !== this.solvers.arkoseAnswer(record.arkoseDx)) {
      forbidden("Arkose token missing or invalid");
    }
    return { powVerified: record.proof !== undefined };
  }
}
