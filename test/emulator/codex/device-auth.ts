/**
 * @module Device-code login (codex.md §1.4): a user code to show, polls answered 403 while pending, and once the user
 * approves (emulator control, or the `/codex/device` page) an authorization code with a server-made PKCE pair,
 * exchanged at `/oauth/token` with redirect URI `<issuer>/deviceauth/callback`.
 */
import { randomBytes, randomInt } from "node:crypto";
import { detail, HttpError, isRecord, json, readJsonObject } from "../http.ts";
import type { CodexAccounts } from "./accounts.ts";
import { type AuthorizationCodes, s256 } from "./authorization-codes.ts";
import { CODEX_CLIENT_ID, DEVICE_REDIRECT_URI } from "./constants.ts";
import type { CodexSettings, CodexStats } from "./types.ts";

const LIFETIME_MS = 15 * 60_000;
const LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ";

interface DeviceAuthorization {
  id: string;
  userCode: string;
  expiresAt: number;
  /** Set once approved; the poll that sees it spends it. */
  approvedFor?: string;
  spent: boolean;
}

export interface DeviceDeps {
  accounts: CodexAccounts;
  codes: AuthorizationCodes;
  settings: CodexSettings;
  stats: CodexStats;
  now: () => number;
}

function deviceError(status: number, code: string, message: string): HttpError {
  return new HttpError(json(status, { error: { message, type: "invalid_request_error", param: null, code } }), code);
}

function page(body: string): Response {
  return new Response(`<!DOCTYPE html><html><head><title>Device code (emulated)</title></head><body>${body}</body></html>`, {
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

export class DeviceAuth {
  private readonly pending = new Map<string, DeviceAuthorization>();

  constructor(private readonly deps: DeviceDeps) {}

  private checkEnabled(): void {
    if (!this.deps.settings.deviceLogin) throw detail(404, "Not Found");
  }

  async userCode(request: Request): Promise<Response> {
    this.checkEnabled();
    this.deps.stats.deviceUserCodes++;
    const body = await readJsonObject(request);
    if (body.client_id !== CODEX_CLIENT_ID) throw deviceError(400, "invalid_client", "Unknown client_id.");
    const code = () => Array.from({ length: 4 }, () => LETTERS[randomInt(LETTERS.length)]).join("");
    const authorization: DeviceAuthorization = { id: `deviceauth_${randomBytes(12).toString("hex")}`, userCode: `${code()}-${code()}`, expiresAt: this.deps.now() + LIFETIME_MS, spent: false };
    this.pending.set(authorization.id, authorization);
    return json(200, {
      device_auth_id: authorization.id,
      user_code: authorization.userCode,
      usercode: authorization.userCode,
      interval: String(this.deps.settings.deviceIntervalSec),
      expires_at: new Date(authorization.expiresAt).toISOString(),
    });
  }

  async poll(request: Request): Promise<Response> {
    this.checkEnabled();
    this.deps.stats.devicePolls++;
    const body = await readJsonObject(request);
    const authorization = this.pending.get(String(body.device_auth_id));
    if (!authorization || authorization.userCode !== body.user_code) throw deviceError(400, "invalid_request", "Unknown device authorization.");
    if (authorization.spent) throw deviceError(400, "invalid_request", "This device authorization was already used.");
    if (authorization.expiresAt <= this.deps.now()) throw deviceError(400, "deviceauth_expired", "The device code expired. Start again.");
    if (authorization.approvedFor === undefined) throw deviceError(403, "deviceauth_authorization_pending", "Device authorization is pending.");
    authorization.spent = true;
    const verifier = randomBytes(64).toString("base64url");
    const challenge = s256(verifier);
    const redirectUris = [DEVICE_REDIRECT_URI, `${new URL(request.url).origin}/deviceauth/callback`];
    const code = this.deps.codes.issue({ accountId: authorization.approvedFor, redirectUris, challenge, scope: "openid profile email offline_access" });
    return json(200, { authorization_code: code, code_challenge: challenge, code_verifier: verifier });
  }

  approve(userCode: string, account: string): boolean {
    const found = this.deps.accounts.find(account);
    const authorization = [...this.pending.values()].find((a) => a.userCode === userCode.trim().toUpperCase());
    if (!found || !authorization || authorization.spent || authorization.expiresAt <= this.deps.now()) return false;
    authorization.approvedFor = found.id;
    return true;
  }

  /** `GET /codex/device`: where the user types the code; `POST` approves it for the account whose email is given. */
  async page(request: Request): Promise<Response> {
    if (request.method === "POST") {
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      const approved = isRecord(form) && this.approve(String(form.user_code ?? ""), String(form.email ?? ""));
      return page(approved ? "<h1>Device approved</h1><p>You can return to your device.</p>" : "<h1>Code not recognised</h1>");
    }
    return page(`<h1>Enter the code shown on your device</h1><form method="post" action="/codex/device">
<label>Code <input name="user_code"></label><label>Email address <input name="email" type="email"></label><button type="submit">Continue</button></form>`);
  }
}
