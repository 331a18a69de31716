/** @module The Codex side's public types: accounts, scripted replies, settings, stats and the `emu.codex` handle. */

/** Plan strings the catalog knows (codex.md §1.2); Free and prolite have a weekly window only. */
export type CodexPlan = "free" | "go" | "plus" | "pro" | "prolite" | "team" | "business" | "enterprise" | "edu";

export interface AddCodexAccountInput {
  id?: string;
  email?: string;
  plan?: CodexPlan;
  /** `chatgpt_account_id` (the workspace), which header `ChatGPT-Account-ID` must carry; generated when omitted. */
  accountId?: string;
  /** Quota windows by length in minutes, primary first; default [300, 10080], Free and prolite [10080]. */
  windows?: number[];
  /** Requests each window allows before it is exhausted; default 100 (so each request is 1 %). */
  limit?: number;
  /** Lifetime of the access tokens issued to it; default 10 days. */
  accessTokenExpiresInSec?: number;
  /** False for a workspace whose plan leaves Codex out: every Codex call answers 429 `usage_not_included`. */
  codexIncluded?: boolean;
}

export interface CodexAccount {
  id: string;
  email: string;
  plan: CodexPlan;
  /** `chatgpt_account_id`: the value of header `ChatGPT-Account-ID`. */
  accountId: string;
  /** A JWT with `client_id` = the Codex client and the `https://api.openai.com/auth` claims. */
  accessToken: string;
  idToken: string;
  /** Single-use: each refresh returns a new one and retires this one. */
  refreshToken: string;
}

export interface CodexScriptedCall {
  /** A declared tool's name: a `function` tool gets a `function_call`, a `custom` tool a `custom_tool_call`. */
  name: string;
  /** Function tools: a JSON string, or an object that is serialised. */
  arguments?: string | Record<string, unknown>;
  /** Custom tools: the raw input. */
  input?: string;
  callId?: string;
}

export interface CodexScriptedReply {
  /** Only requests of this account (id or email) take it; default any. */
  account?: string;
  text?: string;
  /** Reasoning summary parts; streamed only when the request asks for `reasoning.summary` (as the real service). */
  reasoning?: string[];
  calls?: CodexScriptedCall[];
  /** Characters per argument delta; default 3 (many small fragments). */
  fragmentChars?: number;
  /** `response.completed` with `output: []` for this reply. */
  emptyOutput?: boolean;
}

export interface CodexSettings {
  /** 200 streams without a Content-Type header (codex.md §4.1, since ~June 2026). Default false. */
  omitContentType: boolean;
  /** `response.completed` always carries `output: []`. Default false. */
  emptyCompletedOutput: boolean;
  /** The `interval` the device-code endpoint announces (a string on the wire). Default 5. */
  deviceIntervalSec: number;
  /** false: `/api/accounts/deviceauth/*` answer 404 (device login disabled). Default true. */
  deviceLogin: boolean;
  /** A reused refresh token also kills the grant's live token (a replay treated as compromise). Default false. */
  revokeGrantOnReuse: boolean;
}

export interface CodexStats {
  /** `POST /backend-api/codex/responses`, whatever the answer. */
  responses: number;
  /** Responses answered with a 200 stream. */
  streams: number;
  models: number;
  usage: number;
  /** `GET /oauth/authorize`. */
  authorize: number;
  /** `POST /oauth/token` with the Codex client id, any grant, successful or not. */
  tokenCalls: number;
  authorizationCodeGrants: number;
  /** refresh_token grants, successful or not. */
  refreshes: number;
  /** Refreshes refused because the token was already used. */
  refreshReused: number;
  revokes: number;
  deviceUserCodes: number;
  /** Polls of `/api/accounts/deviceauth/token`. */
  devicePolls: number;
  /** 429 `usage_limit_reached` answers. */
  usageLimited: number;
}

export interface CodexWindowState {
  windowMinutes: number;
  limit: number;
  used: number;
  usedPercent: number;
  /** Epoch seconds. */
  resetAt: number;
}

export interface CodexControls {
  /** Queues replies taken in order by the next matching `/responses` requests (before the built-in rules). */
  script(...replies: CodexScriptedReply[]): void;
  /** Drops queued replies; returns how many were left. */
  clearScripts(): number;
  configure(settings: Partial<CodexSettings>): void;
  settings(): CodexSettings;
  /** A new access token for the account; `clientId` other than Codex's makes a web-client token (refused). */
  issueAccessToken(account: string, options?: { expiresInSec?: number; clientId?: string }): string;
  /** Every access token issued so far to the account answers 401 from now on (refresh still works). */
  expireAccessTokens(account: string): void;
  /** Revokes the grant: access tokens answer 401 `token_revoked`, refresh tokens 401 `refresh_token_invalidated`. */
  revoke(account: string): void;
  /** Every call of the account answers 401 "account has been deactivated". */
  deactivate(account: string): void;
  /** The user signed in the emulated browser: `/oauth/authorize` redirects with a code for this account. */
  signIn(account: string | undefined): void;
  /** Approves a pending device code for the account; false when the code is unknown or expired. */
  approveDevice(userCode: string, account: string): boolean;
  /** Sets a window's limit and/or use (window by its length in minutes; default the primary). */
  setQuota(account: string, quota: { windowMinutes?: number; limit?: number; used?: number }): void;
  /** Uses up a window (default the primary): the next request answers 429 `usage_limit_reached`. */
  exhaust(account: string, windowMinutes?: number): void;
  quota(account: string): CodexWindowState[];
  stats(): CodexStats;
}
