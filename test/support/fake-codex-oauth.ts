/**
 * @module A small stand-in for the Codex OAuth host (codex.md §1.3–1.5) for unit and management-route tests, until the
 * Codex emulator serves these paths: PKCE-checked authorization codes, single-use rotating refresh tokens per client
 * (a reused one is the 401 `refresh_token_reused`), and the device-code endpoints with 403 while pending.
 */
import { createHash, randomBytes } from "node:crypto";

export const FAKE_CODEX_CLIENT = "app_EMoamEEZ73f0CkXaXp7hrann";
export const FAKE_WEB_CLIENT = "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh";
const CODEX_REDIRECT = "http://localhost:1455/auth/callback";

export interface FakeGrant {
  clientId: string;
  accountId: string;
  plan: string;
}

export interface FakeOAuthCounts {
  /** Refreshes that returned tokens. */
  refreshes: number;
  /** Refresh tokens presented again after they rotated away. */
  reuses: number;
  /** Refresh tokens presented with a client that did not issue them. */
  wrongClient: number;
  codeExchanges: number;
  devicePolls: number;
}

/** Every secret that crossed the fake, for greps of logs: tokens issued, codes issued, verifiers seen. */
export type FakeSecrets = string[];

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function random(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

/** An unsigned access token with the claims Codex clients read (codex.md §1.2). */
export function fakeCodexJwt(grant: FakeGrant, { expSec = Math.floor(Date.now() / 1000) + 10 * 86_400 } = {}): string {
  return `eyJhbGciOiJSUzI1NiJ9.${b64url({
    client_id: grant.clientId,
    exp: expSec,
    jti: random(6),
    "https://api.openai.com/auth": { chatgpt_account_id: grant.accountId, chatgpt_plan_type: grant.plan },
    "https://api.openai.com/profile": { email: `${grant.accountId}@example.test` },
  })}.c2ln`;
}

function json(status: number, body: unknown): Response {
  return Response.json(body, { status });
}

const REUSED = {
  error: {
    message: "Your refresh token has already been used to generate a new access token. Please try signing in again.",
    type: "invalid_request_error",
    param: null,
    code: "refresh_token_reused",
  },
};

export interface FakeCodexOAuth extends AsyncDisposable {
  url: string;
  counts: FakeOAuthCounts;
  secrets: FakeSecrets;
  /** A live refresh token for a new grant of `clientId`. */
  issueRefreshToken(grant?: Partial<FakeGrant>): string;
  /** The user approves the device login showing `userCode`. */
  approveDevice(userCode: string, grant?: Partial<FakeGrant>): void;
  /** The refresh tokens that are still live. */
  liveRefreshTokens(): string[];
  /** Holds token answers, already acted on, until `release` (a crash test closes the store meanwhile). */
  holdTokenAnswers(): { release(): void; arrived: Promise<void> };
  stop(): Promise<void>;
}

export function startFakeCodexOAuth({ deviceInterval = "5" } = {}): FakeCodexOAuth {
  const counts: FakeOAuthCounts = { refreshes: 0, reuses: 0, wrongClient: 0, codeExchanges: 0, devicePolls: 0 };
  const secrets: FakeSecrets = [];
  const keep = <T extends string>(secret: T): T => {
    secrets.push(secret);
    return secret;
  };
  const live = new Map<string, FakeGrant>();
  const spent = new Set<string>();
  const codes = new Map<string, { grant: FakeGrant; challenge: string; redirectUri: string }>();
  const devices = new Map<string, { userCode: string; approved: FakeGrant | null }>();
  let hold: { gate: Promise<void>; arrived: () => void } | null = null;

  const newGrant = (partial: Partial<FakeGrant> = {}): FakeGrant => ({ clientId: FAKE_CODEX_CLIENT, accountId: `acct-${random(4)}`, plan: "plus", ...partial });
  const issueRefresh = (grant: FakeGrant): string => {
    const token = keep(`rt_${random(30)}`);
    live.set(token, grant);
    return token;
  };
  const tokensFor = (grant: FakeGrant) => ({
    access_token: keep(fakeCodexJwt(grant)),
    id_token: keep(fakeCodexJwt(grant)),
    refresh_token: issueRefresh(grant),
    expires_in: 864_000,
    token_type: "Bearer",
  });

  async function readBody(request: Request): Promise<Record<string, string>> {
    const text = await request.text();
    if ((request.headers.get("content-type") ?? "").startsWith("application/json")) return JSON.parse(text) as Record<string, string>;
    return Object.fromEntries(new URLSearchParams(text));
  }

  async function token(request: Request): Promise<Response> {
    const answer = tokenAnswer(await readBody(request));
    // held after the work is done: the token has rotated here, and the answer has not reached the client yet
    if (hold) {
      hold.arrived();
      await hold.gate;
    }
    return answer;
  }

  function tokenAnswer(body: Record<string, string>): Response {
    if (body.code_verifier) keep(body.code_verifier);
    if (body.grant_type === "authorization_code") {
      const entry = codes.get(body.code ?? "");
      if (!entry) return json(400, { error: "invalid_grant", error_description: "Unknown or used authorization code." });
      codes.delete(body.code ?? "");
      const challenge = createHash("sha256").update(body.code_verifier ?? "").digest("base64url");
      if (challenge !== entry.challenge) return json(400, { error: "invalid_grant", error_description: "PKCE verification failed." });
      if (body.redirect_uri !== entry.redirectUri || body.client_id !== entry.grant.clientId) return json(400, { error: "invalid_grant", error_description: "redirect_uri or client_id mismatch." });
      counts.codeExchanges++;
      return json(200, tokensFor(entry.grant));
    }
    if (body.grant_type === "refresh_token") {
      const presented = body.refresh_token ?? "";
      if (spent.has(presented)) {
        counts.reuses++;
        return json(401, REUSED);
      }
      const grant = live.get(presented);
      if (!grant) return json(400, { error: "invalid_grant", error_description: "Unknown refresh token." });
      if (grant.clientId !== body.client_id) {
        counts.wrongClient++;
        return json(400, { error: "invalid_grant", error_description: "Refresh token was issued to another client." });
      }
      live.delete(presented);
      spent.add(presented);
      counts.refreshes++;
      return json(200, tokensFor(grant));
    }
    return json(400, { error: "unsupported_grant_type", error_description: "Unsupported grant type." });
  }

  function authorize(url: URL): Response {
    const p = url.searchParams;
    if (p.get("client_id") !== FAKE_CODEX_CLIENT || p.get("redirect_uri") !== CODEX_REDIRECT || p.get("code_challenge_method") !== "S256" || !p.get("code_challenge")) {
      return json(400, { error: "invalid_request" });
    }
    const code = keep(`ac_${random()}`);
    codes.set(code, { grant: newGrant({ accountId: p.get("login_hint") ?? undefined }), challenge: p.get("code_challenge") ?? "", redirectUri: CODEX_REDIRECT });
    const location = `${CODEX_REDIRECT}?code=${code}&scope=openid+profile+email+offline_access&state=${encodeURIComponent(p.get("state") ?? "")}`;
    return new Response(null, { status: 302, headers: { location } });
  }

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/oauth/token" && request.method === "POST") return token(request);
      if (url.pathname === "/oauth/authorize" && request.method === "GET") return authorize(url);
      if (url.pathname === "/api/accounts/deviceauth/usercode" && request.method === "POST") {
        const body = await readBody(request);
        if (body.client_id !== FAKE_CODEX_CLIENT) return json(400, { error: "invalid_client" });
        const id = `da_${random(8)}`;
        const userCode = `${random(3).toUpperCase().slice(0, 4)}-${random(3).toUpperCase().slice(0, 4)}`;
        devices.set(id, { userCode, approved: null });
        return json(200, { device_auth_id: id, user_code: userCode, interval: deviceInterval });
      }
      if (url.pathname === "/api/accounts/deviceauth/token" && request.method === "POST") {
        counts.devicePolls++;
        const body = await readBody(request);
        const device = devices.get(body.device_auth_id ?? "");
        if (!device || device.userCode !== body.user_code) return json(404, { error: "not_found" });
        if (!device.approved) return json(403, { error: "authorization_pending" });
        devices.delete(body.device_auth_id ?? "");
        const verifier = keep(random(64));
        const code = keep(`ac_${random()}`);
        const challenge = createHash("sha256").update(verifier).digest("base64url");
        codes.set(code, { grant: device.approved, challenge, redirectUri: `${url.origin}/deviceauth/callback` });
        return json(200, { authorization_code: code, code_challenge: challenge, code_verifier: verifier });
      }
      return json(404, { error: "not_found" });
    },
  });

  const stop = async () => void (await server.stop(true));
  return {
    url: `http://127.0.0.1:${server.port}`,
    counts,
    secrets,
    issueRefreshToken: (grant) => issueRefresh(newGrant(grant)),
    approveDevice(userCode, grant) {
      const device = [...devices.values()].find((d) => d.userCode === userCode);
      if (!device) throw new Error(`no device login shows ${userCode}`);
      device.approved = newGrant(grant);
    },
    liveRefreshTokens: () => [...live.keys()],
    holdTokenAnswers() {
      let release = (): void => {};
      let arrived = (): void => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const arrival = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      hold = { gate, arrived };
      return {
        arrived: arrival,
        release: () => {
          hold = null;
          release();
        },
      };
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
