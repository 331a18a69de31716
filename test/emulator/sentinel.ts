/**
 * @module The sentinel (upstream.md §4): chat-requirements issues a single-use token bound to (account, device) that
 * expires after 540 s, and the conversation endpoint checks it with its proof of work and challenge tokens.
 */
import { randomBytes } from "node:crypto";
import type { Caller } from "./accounts.ts";
import type { ChallengeSolvers } from "./challenge-solvers.ts";
import { detail, json, readJsonObject } from "./http.ts";
import { personaFor } from "./models.ts";
import { decodeConfigToken, type PowVerdict, REQUIREMENTS_PREFIX, verifyProofToken } from "./pow-verify.ts";

/** `expire_after` seen in 2026 traces (upstream.md §15 item 4). */
export const SENTINEL_TOKEN_LIFETIME_MS = 540_000;

/** A single-use sentinel token's binding: who may spend it, from which device, until when. */
export interface TokenBinding {
  callerId: string;
  deviceId: string;
  expiresAt: number;
  used: boolean;
}

interface RequirementsRecord extends TokenBinding {
  pow?: { seed: string; difficulty: string; check: ProofCheck };
  turnstileDx?: string;
  arkoseDx?: string;
}

export type ProofCheck = (token: string, seed: string, difficulty: string) => PowVerdict;

export interface SentinelSettings {
  requirePow: boolean;
  difficulty: string;
  turnstile: boolean;
  arkose: boolean;
}

/**
 * How the single-step endpoint reads `p` and checks proofs: SHA3 and `gAAAAAC`+base64 in 2024; a 2026 server that
 * still serves it (legacyEndpoints "200") reads 2026 configs and takes FNV or SHA3 proofs.
 */
export interface LegacyProofRules {
  readConfig: (p: string) => unknown[] | undefined;
  check: ProofCheck;
}

export const RULES_2024: LegacyProofRules = { readConfig: (p) => decodeConfigToken(p, REQUIREMENTS_PREFIX), check: verifyProofToken };

export interface SentinelCounters {
  powVerified: number;
  powRejected: number;
}

function requireHeader(headers: Headers, name: string): string {
  const value = headers.get(name);
  if (!value) throw detail(400, `Missing required header ${name}`);
  return value;
}

function forbidden(message: string): never {
  throw detail(403, message);
}

/**
 * Looks up and spends a single-use token (`what` names it in messages, e.g. "chat requirements token"); missing,
 * unknown, spent and foreign tokens are 403. The token is spent before the binding is checked; expiry is the
 * caller's to judge (2026 answers a stale write token with 404).
 */
export function spendToken<T extends TokenBinding>(records: Map<string, T>, token: string | null, caller: Caller, deviceId: string | null, what: string, header: string): T {
  if (!token) forbidden(`Missing ${header}`);
  const record = records.get(token);
  if (!record) forbidden(`Unknown ${what}`);
  const named = what.charAt(0).toUpperCase() + what.slice(1);
  if (record.used) forbidden(`${named} was already used`);
  record.used = true;
  if (record.callerId !== caller.id || record.deviceId !== deviceId) forbidden(`${named} was issued to another account or device`);
  return record;
}

export class Sentinel {
  private readonly records = new Map<string, RequirementsRecord>();

  constructor(
    private readonly now: () => number,
    private readonly solvers: ChallengeSolvers,
    private readonly counters: SentinelCounters,
  ) {}

  async handleRequirements(request: Request, caller: Caller, settings: SentinelSettings, rules: LegacyProofRules = RULES_2024): Promise<Response> {
    requireHeader(request.headers, "user-agent");
    const deviceId = requireHeader(request.headers, "oai-device-id");
    const body = await readJsonObject(request);
    if (typeof body.p !== "string" || !rules.readConfig(body.p)) {
      throw detail(400, 'Field "p" must be a requirements token: gAAAAAC + base64 of a JSON array');
    }
    const token = `gAAAAAB${randomBytes(96).toString("base64url")}`;
    const record: RequirementsRecord = {
      callerId: caller.id,
      deviceId,
      expiresAt: this.now() + SENTINEL_TOKEN_LIFETIME_MS,
      used: false,
    };
    if (settings.requirePow) record.pow = { seed: String(Math.random()), difficulty: settings.difficulty, check: rules.check };
    if (settings.turnstile) record.turnstileDx = this.solvers.newDx();
    if (settings.arkose) record.arkoseDx = this.solvers.newDx();
    this.records.set(token, record);
    return json(
      200,
      {
        persona: personaFor(caller.plan),
        token,
        expire_after: SENTINEL_TOKEN_LIFETIME_MS / 1000,
        arkose: { required: settings.arkose, dx: record.arkoseDx ?? null },
        turnstile: { required: settings.turnstile, dx: record.turnstileDx ?? null },
        proofofwork: record.pow ? { required: true, seed: record.pow.seed, difficulty: record.pow.difficulty } : { required: false },
      },
      { "set-cookie": `oai-sc=${randomBytes(24).toString("base64url")}; Path=/; HttpOnly; SameSite=Lax` },
    );
  }

  /**
   * Checks the sentinel headers of a conversation request; the token is spent even when a later check fails.
   * Returns whether a proof of work was actually verified.
   */
  verifyConversation(headers: Headers, caller: Caller): { powVerified: boolean } {
    const header = "openai-sentinel-chat-requirements-token";
    const record = spendToken(this.records, headers.get(header), caller, headers.get("oai-device-id"), "chat requirements token", header);
    if (this.now() >= record.expiresAt) forbidden("Chat requirements token has expired");
    let powVerified = false;
    if (record.pow) {
      const proof = headers.get("openai-sentinel-proof-token");
      const verdict = proof ? record.pow.check(proof, record.pow.seed, record.pow.difficulty) : { ok: false as const, reason: "Missing openai-sentinel-proof-token" };
      if (!verdict.ok) {
        this.counters.powRejected++;
        forbidden(verdict.reason);
      }
      this.counters.powVerified++;
      powVerified = true;
    }
    if (record.turnstileDx !== undefined && headers.get("openai-sentinel-turnstile-token") !== this.solvers.turnstileAnswer(record.turnstileDx)) {
      forbidden("Turnstile token missing or invalid");
    }
    if (record.arkoseDx !== undefined && headers.get("openai-sentinel-arkose-token") !== this.solvers.arkoseAnswer(record.arkoseDx)) {
      forbidden("Arkose token missing or invalid");
    }
    return { powVerified };
  }
}
