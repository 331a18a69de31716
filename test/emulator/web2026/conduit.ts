/**
 * @module `POST {B}/f/conversation/prepare` and the conduit token (web-2026.md §1.8, §10 items 9 and 14): each prepare
 * answers a fresh, single-use, short-lived token bound to (account, device); a later prepare may thread the previous
 * one (it is spent then), and the write must carry an unspent one of its own device in `x-conduit-token`.
 */
import { randomBytes } from "node:crypto";
import type { Caller } from "../accounts.ts";
import { detail, json, readJsonObject } from "../http.ts";
import { spendToken, type TokenBinding } from "../sentinel.ts";
import { checkPrepareBody } from "./body-2026.ts";

/** Short on purpose: a browser prepares right before it writes. */
export const CONDUIT_LIFETIME_MS = 120_000;
/** First-call values of `x-conduit-token` that mean "none yet" (§2.2). */
const NO_TOKEN = new Set(["", "no-token"]);

interface ConduitRecord extends TokenBinding {
  /** `x-oai-turn-trace-id` of the prepare, when it sent one. */
  traceId?: string;
}

export class ConduitTokens {
  private readonly records = new Map<string, ConduitRecord>();

  constructor(private readonly now: () => number) {}

  /** `nullToken` answers `conduit_token: null` (a fault: clients must cope with it). */
  async prepare(request: Request, caller: Caller, deviceId: string, nullToken: boolean): Promise<Response> {
    const previous = request.headers.get("x-conduit-token");
    if (previous !== null && !NO_TOKEN.has(previous)) this.spend(previous, caller, deviceId);
    checkPrepareBody(await readJsonObject(request));
    if (nullToken) return json(200, { status: "ok", conduit_token: null });
    const token = `ct_${randomBytes(48).toString("base64url")}`;
    const traceId = request.headers.get("x-oai-turn-trace-id");
    this.records.set(token, { callerId: caller.id, deviceId, expiresAt: this.now() + CONDUIT_LIFETIME_MS, used: false, ...(traceId ? { traceId } : {}) });
    return json(200, { status: "ok", conduit_token: token });
  }

  /**
   * Spends the write's conduit token. Without one the write is refused (400) unless `required` is off; a token that is
   * unknown, spent, foreign or expired is a 403. Returns a warning when the turn trace id differs from the prepare's.
   */
  verifyWrite(headers: Headers, caller: Caller, deviceId: string, required: boolean): { traceMismatch?: string } {
    const token = headers.get("x-conduit-token");
    if (token === null || NO_TOKEN.has(token)) {
      if (required) throw detail(400, "Missing x-conduit-token: call f/conversation/prepare first");
      return {};
    }
    const record = this.spend(token, caller, deviceId);
    const traceId = headers.get("x-oai-turn-trace-id");
    if (record.traceId !== undefined && traceId !== null && traceId !== record.traceId) {
      return { traceMismatch: `x-oai-turn-trace-id ${traceId} differs from the conduit prepare's ${record.traceId}` };
    }
    return {};
  }

  private spend(token: string, caller: Caller, deviceId: string): ConduitRecord {
    const record = spendToken(this.records, token, caller, deviceId, "conduit token", "x-conduit-token");
    if (this.now() >= record.expiresAt) throw detail(403, "Conduit token has expired");
    return record;
  }
}
