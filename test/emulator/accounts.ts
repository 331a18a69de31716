/**
 * @module Emulated accounts: access tokens (JWT), refresh tokens (each issued to one OAuth client), and who a request
 * is (bearer, Team header).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { detail } from "./http.ts";
import { signJwt, verifyJwt } from "./jwt.ts";
import { modelsForPlan } from "./models.ts";
import { isWebOAuthClient, WEB_OAUTH_CLIENTS } from "./oauth.ts";
import type { AddAccountInput, EmulatedAccount, Plan, WebOAuthClient } from "./types.ts";

const AUTH_CLAIM = "https://api.openai.com/auth";
const PROFILE_CLAIM = "https://api.openai.com/profile";
const DEFAULT_TOKEN_LIFETIME_SEC = 10 * 24 * 3600;
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export interface AccountRecord {
  id: string;
  email: string;
  plan: Plan;
  /** `chatgpt_account_id`: the Team workspace, or the personal account. */
  chatgptAccountId: string;
  models: string[];
  /** The models were given at creation: they hold in both generations (else each generation has its plan's list). */
  explicitModels: boolean;
  /** The client the account's refresh tokens are issued to: only it can exchange them. */
  oauthClient: WebOAuthClient;
  /** Lifetime of the access tokens issued to it. */
  tokenLifetimeSec: number;
}

/** Who made a request: an account, or the anonymous `/backend-anon` user. */
export type Caller = { kind: "anon"; id: "anon"; plan: "anon"; models: string[] } | ({ kind: "account" } & AccountRecord);

export function anonCaller(): Caller {
  return { kind: "anon", id: "anon", plan: "anon", models: modelsForPlan("anon") };
}

/** 45 characters, the length chat2api uses to tell refresh tokens apart (upstream.md §8.1). */
export function newRefreshToken(): string {
  return Array.from(randomBytes(45), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join("");
}

export class AccountRegistry {
  private readonly secret = randomBytes(32).toString("hex");
  private readonly accounts = new Map<string, AccountRecord>();
  /** Live refresh token → account id; revoked and rotated-away tokens are removed. */
  private readonly refreshTokens = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  add(input: AddAccountInput = {}): Omit<EmulatedAccount, "sessionToken"> {
    const id = input.id ?? `acct-${this.accounts.size + 1}-${randomBytes(3).toString("hex")}`;
    if (this.accounts.has(id)) throw new Error(`account ${id} already exists`);
    const plan = input.plan ?? "plus";
    const oauthClient = input.oauthClient ?? "ios";
    if (!isWebOAuthClient(oauthClient)) throw new TypeError('oauthClient must be "ios", "mobile" or "platform"');
    const record: AccountRecord = {
      id,
      email: input.email ?? `${id}@example.test`,
      plan,
      chatgptAccountId: input.accountId ?? randomUUID(),
      models: input.models ? [...input.models] : modelsForPlan(plan),
      explicitModels: input.models !== undefined,
      oauthClient,
      tokenLifetimeSec: input.accessTokenExpiresInSec ?? DEFAULT_TOKEN_LIFETIME_SEC,
    };
    this.accounts.set(id, record);
    const refreshToken = newRefreshToken();
    this.refreshTokens.set(refreshToken, id);
    return {
      id,
      email: record.email,
      plan,
      // the access token issued with the refresh token, as a sign-in hands out both: it names their client
      accessToken: this.issueAccessToken(id, { clientId: WEB_OAUTH_CLIENTS[oauthClient].id }),
      refreshToken,
      oauthClient,
      oauthClientId: WEB_OAUTH_CLIENTS[oauthClient].id,
      ...(plan === "team" ? { accountId: record.chatgptAccountId } : {}),
    };
  }

  find(idOrEmail: string): AccountRecord | undefined {
    return this.accounts.get(idOrEmail) ?? [...this.accounts.values()].find((a) => a.email === idOrEmail);
  }

  /** `clientId`: the `client_id` claim (web-2026.md §8.3), when the token comes from an OAuth client. */
  issueAccessToken(idOrEmail: string, options: { expiresInSec?: number; clientId?: string } = {}): string {
    const account = this.find(idOrEmail);
    if (!account) throw new Error(`no account ${idOrEmail}`);
    const iat = Math.floor(this.now() / 1000);
    return signJwt(
      {
        aud: ["https://api.openai.com/v1"],
        iss: "https://auth.openai.com",
        sub: `auth0|${account.id}`,
        iat,
        exp: iat + (options.expiresInSec ?? account.tokenLifetimeSec),
        jti: randomUUID(),
        ...(options.clientId ? { client_id: options.clientId } : {}),
        [PROFILE_CLAIM]: { email: account.email, email_verified: true },
        [AUTH_CLAIM]: {
          chatgpt_account_id: account.chatgptAccountId,
          chatgpt_plan_type: account.plan,
          chatgpt_user_id: `user-${account.id}`,
          user_id: `user-${account.id}`,
        },
      },
      this.secret,
    );
  }

  /** The account of a bearer value, or a 401 `{"detail": …}`. */
  authenticate(bearer: string): AccountRecord {
    const payload = verifyJwt(bearer, this.secret);
    if (!payload) throw detail(401, "Could not parse your authentication token. Please try signing in again.");
    const exp = payload.exp;
    if (typeof exp !== "number" || exp * 1000 <= this.now()) {
      throw detail(401, {
        message: "Your authentication token has expired. Please try signing in again.",
        type: "invalid_request_error",
        param: null,
        code: "token_expired",
      });
    }
    const sub = typeof payload.sub === "string" ? payload.sub.replace(/^auth0\|/, "") : "";
    const account = this.accounts.get(sub);
    if (!account) throw detail(401, "Could not parse your authentication token. Please try signing in again.");
    return account;
  }

  revokeRefreshToken(refreshToken: string): void {
    this.refreshTokens.delete(refreshToken);
  }

  accountOfRefreshToken(refreshToken: string): AccountRecord | undefined {
    const id = this.refreshTokens.get(refreshToken);
    return id === undefined ? undefined : this.accounts.get(id);
  }

  /** Exchanges a live refresh token; with `rotate` the old one dies and a new one is returned. */
  refresh(refreshToken: string, rotate: boolean): { account: AccountRecord; accessToken: string; refreshToken: string; expiresInSec: number } | undefined {
    const account = this.accountOfRefreshToken(refreshToken);
    if (!account) return undefined;
    let next = refreshToken;
    if (rotate) {
      this.refreshTokens.delete(refreshToken);
      next = newRefreshToken();
      this.refreshTokens.set(next, account.id);
    }
    const accessToken = this.issueAccessToken(account.id, { clientId: WEB_OAUTH_CLIENTS[account.oauthClient].id });
    return { account, accessToken, refreshToken: next, expiresInSec: account.tokenLifetimeSec };
  }

  /**
   * Who is calling `/backend-api` (bearer required) or `/backend-anon` (bearer refused). A Team account must name its
   * workspace in `chatgpt-account-id`; any account that sends the header must send its own id.
   */
  resolveCaller(headers: Headers, anonymous: boolean): Caller {
    const authorization = headers.get("authorization");
    if (anonymous) {
      if (authorization !== null) throw detail(400, "Authorization is not accepted on /backend-anon");
      return anonCaller();
    }
    const match = /^Bearer (\S+)$/.exec(authorization ?? "");
    if (!match?.[1]) throw detail(401, "Authentication required: send Authorization: Bearer <access token>");
    const account = this.authenticate(match[1]);
    const workspace = headers.get("chatgpt-account-id");
    if (account.plan === "team" && workspace === null) {
      throw detail(403, { code: "account_id_required", message: "This workspace account needs the chatgpt-account-id header." });
    }
    if (workspace !== null && workspace !== account.chatgptAccountId) {
      throw detail(403, { code: "account_deactivated_or_not_member", message: "You do not have access to this account." });
    }
    return { kind: "account", ...account };
  }
}
