/**
 * @module Codex accounts: JWT access and id tokens of the Codex OAuth client, single-use rotating refresh tokens
 * grouped in grants, and the states a test can put an account in (tokens expired, grant revoked, deactivated).
 */
import { randomBytes, randomUUID } from "node:crypto";
// 45 characters like the web client's: only the token endpoint tells which client a refresh token belongs to
import { newRefreshToken } from "../accounts.ts";
import { signJwt, verifyJwt } from "../jwt.ts";
import { AUTH_CLAIM, CODEX_CLIENT_ID, PROFILE_CLAIM } from "./constants.ts";
import type { AddCodexAccountInput, CodexAccount, CodexPlan } from "./types.ts";

const DEFAULT_TOKEN_LIFETIME_SEC = 10 * 24 * 3600;

export interface CodexAccountRecord {
  id: string;
  email: string;
  plan: CodexPlan;
  chatgptAccountId: string;
  tokenLifetimeSec: number;
  deactivated: boolean;
  codexIncluded: boolean;
}

interface AccessTokenState {
  accountId: string;
  grant: string | undefined;
  state: "live" | "expired" | "revoked";
}

interface RefreshTokenState {
  accountId: string;
  grant: string;
  state: "live" | "used" | "revoked";
}

export type Authentication =
  | { ok: true; account: CodexAccountRecord }
  | { ok: false; reason: "unauthorized" | "revoked" | "deactivated" };

export type RefreshOutcome =
  | { ok: true; account: CodexAccountRecord; tokens: TokenSet }
  | { ok: false; reason: "unknown" | "reused" | "revoked" };

export interface TokenSet {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresInSec: number;
}

export class CodexAccounts {
  private readonly secret = randomBytes(32).toString("hex");
  private readonly accounts = new Map<string, CodexAccountRecord>();
  /** jti → the access token's account, grant and state. */
  private readonly accessTokens = new Map<string, AccessTokenState>();
  private readonly revokedGrants = new Set<string>();
  private readonly refreshTokens = new Map<string, RefreshTokenState>();

  constructor(private readonly now: () => number) {}

  add(input: AddCodexAccountInput = {}): { record: CodexAccountRecord; account: CodexAccount } {
    const id = input.id ?? `codex-${this.accounts.size + 1}-${randomBytes(3).toString("hex")}`;
    if (this.accounts.has(id)) throw new Error(`codex account ${id} already exists`);
    const record: CodexAccountRecord = {
      id,
      email: input.email ?? `${id}@example.test`,
      plan: input.plan ?? "plus",
      chatgptAccountId: input.accountId ?? randomUUID(),
      tokenLifetimeSec: input.accessTokenExpiresInSec ?? DEFAULT_TOKEN_LIFETIME_SEC,
      deactivated: false,
      codexIncluded: input.codexIncluded ?? true,
    };
    this.accounts.set(id, record);
    const tokens = this.grant(id);
    return {
      record,
      account: { id, email: record.email, plan: record.plan, accountId: record.chatgptAccountId, accessToken: tokens.accessToken, idToken: tokens.idToken, refreshToken: tokens.refreshToken },
    };
  }

  find(idOrEmail: string): CodexAccountRecord | undefined {
    return this.accounts.get(idOrEmail) ?? [...this.accounts.values()].find((a) => a.email === idOrEmail);
  }

  require(idOrEmail: string): CodexAccountRecord {
    const account = this.find(idOrEmail);
    if (!account) throw new Error(`no codex account ${idOrEmail}`);
    return account;
  }

  /** A new grant (a sign-in): fresh access, id and refresh tokens. */
  grant(idOrEmail: string): TokenSet {
    return this.tokensFor(this.require(idOrEmail), randomUUID());
  }

  private tokensFor(account: CodexAccountRecord, grant: string): TokenSet {
    const refreshToken = newRefreshToken();
    this.refreshTokens.set(refreshToken, { accountId: account.id, grant, state: "live" });
    return {
      accessToken: this.issueAccessToken(account.id, { grant }),
      idToken: this.idToken(account),
      refreshToken,
      expiresInSec: account.tokenLifetimeSec,
    };
  }

  private authClaim(account: CodexAccountRecord): Record<string, unknown> {
    return {
      chatgpt_account_id: account.chatgptAccountId,
      chatgpt_plan_type: account.plan,
      chatgpt_user_id: `user-${account.id}`,
      user_id: `user-${account.id}`,
      organizations: [{ id: `org-${account.id}`, is_default: true, role: "owner", title: "Personal" }],
    };
  }

  issueAccessToken(idOrEmail: string, options: { expiresInSec?: number; clientId?: string; grant?: string } = {}): string {
    const account = this.require(idOrEmail);
    const iat = Math.floor(this.now() / 1000);
    const jti = randomUUID();
    this.accessTokens.set(jti, { accountId: account.id, grant: options.grant, state: "live" });
    return signJwt(
      {
        aud: ["https://api.openai.com/v1"],
        client_id: options.clientId ?? CODEX_CLIENT_ID,
        iss: "https://auth.openai.com",
        sub: `auth0|${account.id}`,
        iat,
        exp: iat + (options.expiresInSec ?? account.tokenLifetimeSec),
        jti,
        scp: ["openid", "profile", "email", "offline_access"],
        [PROFILE_CLAIM]: { email: account.email, email_verified: true },
        [AUTH_CLAIM]: this.authClaim(account),
      },
      this.secret,
    );
  }

  private idToken(account: CodexAccountRecord): string {
    const iat = Math.floor(this.now() / 1000);
    return signJwt(
      {
        aud: [CODEX_CLIENT_ID],
        iss: "https://auth.openai.com",
        sub: `auth0|${account.id}`,
        email: account.email,
        email_verified: true,
        iat,
        exp: iat + 3600,
        [PROFILE_CLAIM]: { email: account.email },
        [AUTH_CLAIM]: this.authClaim(account),
      },
      this.secret,
    );
  }

  /** Who a bearer is: our signature, the Codex client, not expired, still honoured, grant not revoked. */
  authenticate(bearer: string): Authentication {
    const payload = verifyJwt(bearer, this.secret);
    if (!payload || payload.client_id !== CODEX_CLIENT_ID) return { ok: false, reason: "unauthorized" };
    const token = this.accessTokens.get(typeof payload.jti === "string" ? payload.jti : "");
    const account = this.accounts.get(token?.accountId ?? "");
    if (!token || !account) return { ok: false, reason: "unauthorized" };
    if (account.deactivated) return { ok: false, reason: "deactivated" };
    if (token.state === "revoked" || (token.grant !== undefined && this.revokedGrants.has(token.grant))) return { ok: false, reason: "revoked" };
    if (token.state === "expired" || typeof payload.exp !== "number" || payload.exp * 1000 <= this.now()) return { ok: false, reason: "unauthorized" };
    return { ok: true, account };
  }

  /** The account of a bearer for the log, whatever its state; undefined when it is not one of ours. */
  ownerOf(bearer: string): string | undefined {
    const payload = verifyJwt(bearer, this.secret);
    return payload ? this.accessTokens.get(typeof payload.jti === "string" ? payload.jti : "")?.accountId : undefined;
  }

  ownerOfRefreshToken(refreshToken: string): CodexAccountRecord | undefined {
    return this.accounts.get(this.refreshTokens.get(refreshToken)?.accountId ?? "");
  }

  /** Single use: the token is retired and the grant goes on with a new one. */
  refresh(refreshToken: string, revokeGrantOnReuse: boolean): RefreshOutcome {
    const state = this.refreshTokens.get(refreshToken);
    const account = state && this.accounts.get(state.accountId);
    if (!state || !account) return { ok: false, reason: "unknown" };
    if (state.state === "revoked" || this.revokedGrants.has(state.grant) || account.deactivated) return { ok: false, reason: "revoked" };
    if (state.state === "used") {
      if (revokeGrantOnReuse) this.revokedGrants.add(state.grant);
      return { ok: false, reason: "reused" };
    }
    state.state = "used";
    return { ok: true, account, tokens: this.tokensFor(account, state.grant) };
  }

  /** Revokes one refresh token's grant (`/oauth/revoke`); false when the token is not ours. */
  revokeToken(refreshToken: string): boolean {
    const state = this.refreshTokens.get(refreshToken);
    if (!state) return false;
    this.revokedGrants.add(state.grant);
    return true;
  }

  expireAccessTokens(idOrEmail: string): void {
    const { id } = this.require(idOrEmail);
    for (const token of this.accessTokens.values()) if (token.accountId === id && token.state === "live") token.state = "expired";
  }

  revoke(idOrEmail: string): void {
    const { id } = this.require(idOrEmail);
    for (const token of this.accessTokens.values()) if (token.accountId === id) token.state = "revoked";
    for (const state of this.refreshTokens.values()) {
      if (state.accountId === id) {
        state.state = "revoked";
        this.revokedGrants.add(state.grant);
      }
    }
  }

  deactivate(idOrEmail: string): void {
    this.require(idOrEmail).deactivated = true;
  }
}
