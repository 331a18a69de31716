/** @module The emulator's public types: its options, its handle, faults and log entries. */
import type { AddCodexAccountInput, CodexAccount, CodexControls } from "./codex/types.ts";
import type { WebScript } from "./web-scripts.ts";
import type { Web2026Settings, WebGeneration } from "./web2026/settings.ts";

export type { Web2026Settings, WebGeneration } from "./web2026/settings.ts";

/**
 * The OAuth client a web account's refresh tokens are issued to (web-2026.md §8.2): the legacy iOS app's
 * `pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh`, the mobile app's `app_LlGpXReQgckcGGUo2JrYvtJK`, platform's
 * `app_2SKx67EdpoN0G6j64rFvigXD` (Codex accounts are `addCodexAccount`'s).
 */
export type WebOAuthClient = "ios" | "mobile" | "platform";

/** `pro` differs from `plus` only in 2026 mode, where it adds the Pro models. */
export type Plan = "free" | "plus" | "pro" | "team";

/** The 2026 switches (see `Web2026Settings`) may be given at start; they only matter in 2026 mode. */
export interface EmulatorOptions extends Partial<Web2026Settings> {
  /** The web backend spoken: "2024" (upstream.md, the default) or "2026" (web-2026.md); see `setWebGeneration`. */
  webGeneration?: WebGeneration;
  /** Port to listen on (127.0.0.1); default 0 = any free port. */
  port?: number;
  /** Proof-of-work difficulty sent by chat-requirements; default "0fffff" (~16 attempts). Lower hex = harder. */
  powDifficulty?: string;
  /** Whether chat-requirements demands a proof of work; default true. */
  requirePow?: boolean;
  /** Require a turnstile token issued by the emulator's solver (`turnstileSolverUrl`); default false. */
  turnstile?: boolean;
  /** Require an arkose token issued by the emulator's solver (`arkoseSolverUrl`); default false. */
  arkose?: boolean;
  /** "auto" speaks delta v1 when the body asks for it; "legacy" always answers with snapshots. Default "auto". */
  encoding?: "auto" | "legacy";
  /** Delay between SSE events, ms; default 0. */
  chunkDelayMs?: number;
  /** Injectable clock (epoch ms) for token expiry, sentinel expiry and caps; default Date.now. */
  now?: () => number;
  /** When set, every request to `/`, `/backend-api` and `/backend-anon` must carry header `authkey` with it. */
  authKey?: string;
  /**
   * The request log keeps at least the last this many entries and at most twice as many; default unbounded (tests
   * read all of it). A long benchmark sends hundreds of thousands of requests: ~8 KiB of log each otherwise.
   */
  logLimit?: number;
}

export interface EmulatedAccount {
  id: string;
  email: string;
  plan: Plan;
  accessToken: string;
  /** 45 characters, like the real ones (upstream.md §8.1); only `oauthClient` can exchange it. */
  refreshToken: string;
  oauthClient: WebOAuthClient;
  /** That client's `client_id`, which `accessToken` and every access token of a refresh carry. */
  oauthClientId: string;
  /** A live `__Secure-next-auth.session-token` for `GET /api/auth/session` (web-2026.md §8.1): a JWE of ~900 characters. */
  sessionToken: string;
  /** The Team workspace id that header `chatgpt-account-id` must carry (team plan only). */
  accountId?: string;
}

export interface AddAccountInput {
  id?: string;
  email?: string;
  plan?: Plan;
  /** Team workspace id; generated for a team account when omitted. */
  accountId?: string;
  /** Replaces the plan's model list. */
  models?: string[];
  /** The client its refresh tokens are issued to; default "ios" (chat2api's default OAUTH_CLIENT_ID). */
  oauthClient?: WebOAuthClient;
  /** Lifetime of the access tokens issued to it (at creation, by a refresh or a session); default 10 days. */
  accessTokenExpiresInSec?: number;
}

/**
 * `codex` is `POST /backend-api/codex/responses`; `oauth` covers `/oauth/token` of both clients. In 2026 mode
 * `requirements` hits sentinel prepare and finalize, `conversation` hits `f/conversation` and `conduit` hits
 * `f/conversation/prepare`.
 */
export type FaultEndpoint = "conversation" | "requirements" | "conduit" | "oauth" | "files" | "home" | "codex" | "codex-models" | "codex-usage";

export type FaultKind =
  | { type: "status"; status: number; detail?: unknown }
  | { type: "cloudflare" }
  | { type: "cap"; clearsInSec: number; model?: string }
  | { type: "cut"; afterEvents: number }
  | { type: "error-event"; afterEvents: number; message?: string }
  | { type: "no-in-progress" }
  | { type: "slow"; delayMs: number }
  /** Writes `afterEvents` (≥ 1) answer events, then holds the stream open until `releaseHeld()` or the client leaves. */
  | { type: "hold"; afterEvents: number }
  /** `events` extra appends of `chars` characters of words each into the answer text (delta v1 only), made as they are sent. */
  | { type: "flood"; events: number; chars: number }
  | { type: "unusual-activity" }
  | { type: "pow-difficulty"; difficulty: string }
  /** 2026 `f/conversation/prepare` answers `{"status":"ok","conduit_token":null}`. */
  | { type: "null-conduit" }
  /** 403 `unsupported_country_region_territory` (JSON). */
  | { type: "region" }
  /** Codex: `response.failed` with this `error.code` after `afterEvents` events (default 2: created, in_progress). */
  | { type: "response-failed"; code: string; message?: string; afterEvents?: number }
  /** Codex: the reply ends with `response.incomplete` (reason default `max_output_tokens`). */
  | { type: "incomplete"; reason?: string };

export interface Fault {
  endpoint: FaultEndpoint;
  /** Account id or email it applies to; "anon" for anonymous calls; omitted = any caller. */
  account?: string;
  /** How many matching requests it hits; default 1. */
  times?: number;
  kind: FaultKind;
}

export interface ImagePointerLogEntry {
  assetPointer: string;
  width?: number;
  height?: number;
  sizeBytes?: number;
}

export interface EmulatorLogEntry {
  /** Emulator clock (ms) when the request arrived. */
  at: number;
  method: string;
  path: string;
  status: number;
  /** Account id, or "anon". An unknown or bad bearer logs as "invalid". */
  account: string;
  model?: string;
  encoding?: "v1" | "legacy";
  /** The generation that answered the request. */
  generation?: WebGeneration;
  /**
   * True only when a proof token was actually checked against its seed and difficulty (2026: on finalize, and on the
   * write whose bundle's proof finalize checked).
   */
  powVerified?: boolean;
  /** 2026 writes: the slug `server_ste_metadata` reported (differs from `model` on a downgrade). */
  servedModel?: string;
  /** Things a lenient check let through (2026: a turn trace id that differs from the conduit prepare's). */
  warnings?: string[];
  /** Parsed JSON (or form) request body; refresh tokens replaced by "<refresh token>". */
  body?: unknown;
  /** Lower-case names; authorization redacted to "Bearer <account id>". */
  headers: Record<string, string>;
  /** Conversation answered (conversation requests). */
  conversationId?: string;
  /** `metadata.attachments` of the messages the conversation received. */
  attachments?: unknown[];
  /** `image_asset_pointer` parts of the messages the conversation received. */
  imagePointers?: ImagePointerLogEntry[];
}

export interface EmulatorStats {
  /** Every POST /oauth/token, successful or not. */
  oauthRefreshes: number;
  /** Web refresh tokens exchanged, by the client they belong to (the Codex side counts in `codex.stats()`). */
  oauthExchanges: Record<WebOAuthClient, number>;
  /** Live web refresh tokens sent with another client's id: refused `invalid_grant`, not spent. */
  oauthWrongClient: number;
  /** Conversation requests answered with a 200 stream. */
  conversations: number;
  powVerified: number;
  powRejected: number;
  /** Conversation streams held open by a `hold` fault right now. */
  held: number;
  /** Bytes of conversation streams handed to the socket so far (what the client's reading let through). */
  streamedBytes: number;
}

export interface Emulator extends AsyncDisposable {
  /** http://127.0.0.1:<port>: use as CHATGPT_BASE_URL and AUTH_BASE_URL. */
  url: string;
  port: number;
  /** The emulated external turnstile solver (TURNSTILE_SOLVER_URL). */
  turnstileSolverUrl: string;
  /** The emulated external arkose solver (ARKOSE_TOKEN_URL). */
  arkoseSolverUrl: string;
  addAccount(input?: AddAccountInput): EmulatedAccount;
  /** An account of the Codex backend (`/backend-api/codex/*`): Codex OAuth tokens, plan, quota windows. */
  addCodexAccount(input?: AddCodexAccountInput): CodexAccount;
  /** The Codex side's controls: scripts, settings, token states, sign-in, device approval, quotas, stats. */
  codex: CodexControls;
  issueAccessToken(accountIdOrEmail: string, options?: { expiresInSec?: number; clientId?: string }): string;
  revokeRefreshToken(refreshToken: string): void;
  /** When true, OAuth refresh returns a new refresh_token and invalidates the old one. */
  rotateRefreshTokens: boolean;
  /** Another live session token; `long` makes one over 3936 characters, which a browser keeps in `.0`/`.1` chunks. */
  issueSessionToken(accountIdOrEmail: string, options?: { long?: boolean }): string;
  /** When true, every `/api/auth/session` spends the session token and sets its successor (Set-Cookie and body). */
  rotateSessionTokens: boolean;
  /** That session is over: `/api/auth/session` answers `{}` for it. */
  endSession(sessionToken: string): void;
  /** "Revoked": the account's session keeps giving the access token it gave last, and every `/backend-api` call (`/me` too) answers 401. */
  revokeSession(accountIdOrEmail: string): void;
  /** The web backend spoken right now. */
  readonly webGeneration: WebGeneration;
  /** Switches the web backend between two requests; the other generation's endpoints answer 404 from then on. */
  setWebGeneration(generation: WebGeneration): void;
  /** Changes 2026 switches while running; returns the settings now in force. */
  configureWeb2026(settings: Partial<Web2026Settings>): Web2026Settings;
  web2026Settings(): Web2026Settings;
  /** 2026: serve every later write with this slug (a silent downgrade), or stop with null. */
  downgradeTo(slug: string | null): void;
  /**
   * Queues scripted replies of the web model (both generations): the first script whose `account` and `match` fit a
   * conversation request answers it with its text, in its chunks; see `WebScript`. Throws a TypeError for a bad script.
   */
  scriptWeb(...scripts: WebScript[]): void;
  /** Drops every queued web script; returns how many there were. */
  clearWebScripts(): number;
  /** How many web scripts are still queued. */
  webScriptsPending(): number;
  inject(fault: Fault): void;
  clearFaults(): void;
  /** Lets every stream held by a `hold` fault go on to its end; returns how many were held. */
  releaseHeld(): number;
  /** Every request, in order (the `/_emulator` control API excepted). */
  log: EmulatorLogEntry[];
  stats(): EmulatorStats;
  /** Clears log, faults, caps, stats, web and Codex scripts; accounts, tokens, quotas and conversations stay. */
  reset(): void;
  close(): Promise<void>;
}
