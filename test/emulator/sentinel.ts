/**
 * @module The sentinel (upstream.md §4): chat-requirements issues a single-use token bound to (account, device) that
 * expires after 540 s, and the conversation endpoint checks it with its proof of work and challenge tokens.
 */
import { randomBytes } from "node:crypto";
import type { Caller } from "./accounts.ts";
import type { ChallengeSolvers } from "./challenge-solvers.ts";
import { detail, json, readJsonObject } from "./http.ts";
import { personaFor } from "./models.ts";
import { decodeConfigToken, REQUIREMENTS_PREFIX, verifyProofToken } from "./pow-verify.ts";

/** `expire_after` seen in 2026 traces (upstream.md §15 item 4). */
export const SENTINEL_TOKEN_LIFETIME_MS = 540_000;

interface RequirementsRecord {
  callerId: string;
  deviceId: string;
  expiresAt: number;
  used: boolean;
  pow?: { seed: string; difficulty: string };
  turnstileDx?: string;
  arkoseDx?: string;
}

export interface SentinelSettings {
  requirePow: boolean;
  difficulty: string;
  turnstile: boolean;
  arkose: boolean;
}

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

export class Sentinel {
  private readonly records = new Map<string, RequirementsRecord>();

  constructor(
    private readonly now: () => number,
    private readonly solvers: ChallengeSolvers,
    private readonly counters: SentinelCounters,
  ) {}

  async handleRequirements(request: Request, caller: Caller, settings: SentinelSettings): Promise<Response> {
    requireHeader(request.headers, "user-agent");
    const deviceId = requireHeader(request.headers, "oai-device-id");
    const body = await readJsonObject(request);
    if (typeof body.p !== "string" || !decodeConfigToken(body.p, REQUIREMENTS_PREFIX)) {
      throw detail(400, 'Field "p" must be a requirements token: gAAAAAC + base64 of a JSON array');
    }
    const token = `gAAAAAB${randomBytes(96).toString("base64url")}`;
    const record: RequirementsRecord = {
      callerId: caller.id,
      deviceId,
      expiresAt: this.now() + SENTINEL_TOKEN_LIFETIME_MS,
      used: false,
    };
    if (settings.requirePow) record.pow = { seed: String(Math.random()), difficulty: settings.difficulty };
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
        proofofwork: record.pow ? { required: true, ...record.pow } : { required: false },
      },
      { "set-cookie": `oai-sc=${randomBytes(24).toString("base64url")}; Path=/; HttpOnly; SameSite=Lax` },
    );
  }

  /**
   * Checks the sentinel headers of a conversation request; the token is spent even when a later check fails.
   * Returns whether a proof of work was actually verified.
   */
  verifyConversation(headers: Headers, caller: Caller): { powVerified: boolean } {
    const token = headers.get("openai-sentinel-chat-requirements-token");
    if (!token) forbidden("Missing openai-sentinel-chat-requirements-token");
    const record = this.records.get(token);
    if (!record) forbidden("Unknown chat requirements token");
    if (record.used) forbidden("Chat requirements token was already used");
    record.used = true;
    if (record.callerId !== caller.id || record.deviceId !== headers.get("oai-device-id")) {
      forbidden("Chat requirements token was issued to another account or device");
    }
    if (this.now() >= record.expiresAt) forbidden("Chat requirements token has expired");
    let powVerified = false;
    if (record.pow) {
      const proof = headers.get("openai-sentinel-proof-token");
      const verdict = proof ? verifyProofToken(proof, record.pow.seed, record.pow.difficulty) : { ok: false as const, reason: "Missing openai-sentinel-proof-token" };
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
