/**
 * @module Signing in a Codex account from the management API, without a token in hand (codex.md §1.3, §1.4): the
 * device-code flow (start, then polls that end with the account stored) and the PKCE flow with its "paste the
 * redirect URL back" step. Pending sign-ins live in this process's memory, bounded and short-lived: a poll or a
 * paste must reach the instance that started it. No code, verifier or token is logged or returned.
 */
import { completeDeviceLogin, type DeviceLogin, pollDeviceLogin, startDeviceLogin } from "../../engines/codex/auth/device-code.ts";
import { exchangeAuthorizationCode } from "../../engines/codex/auth/exchange-code.ts";
import { CODEX_REDIRECT_URI } from "../../engines/codex/auth/oauth-clients.ts";
import { buildAuthorizeUrl, createPkcePair, createState, parsePastedRedirect } from "../../engines/codex/auth/pkce.ts";
import type { TokenEndpointResult } from "../../engines/codex/auth/token-endpoint.ts";
import { InvalidRequestError, NotFoundError, RateLimitError, UpstreamFailureError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import { maskSecret } from "../../logger.ts";
import { saveCodexSignIn } from "../../pool/codex-sign-in.ts";
import { createSingleFlight } from "../../pool/single-flight.ts";
import type { Store } from "../../store/store.ts";
import type { AccountView } from "./model.ts";
import { accountView } from "./service.ts";

/** A PKCE sign-in must be finished within this. */
export const PKCE_LIFETIME_MS = 10 * 60_000;
/** Pending sign-ins of each kind held at once; more is a 429 (each costs the auth host a call). */
const MAX_PENDING = 50;

export interface CodexLoginServiceDeps {
  store: Store;
  authBaseUrl: string;
  logger: Logger;
  fetch?: typeof fetch;
  /** Told after a sign-in stored an account: the Codex catalogs read its models (not awaited). */
  onAccountsAdded?: () => void;
  now?: () => number;
}

export interface DeviceStartView {
  id: string;
  userCode: string;
  verificationUrl: string;
  intervalSec: number;
  expiresAt: number;
}

export type DevicePollView =
  | { status: "pending"; retryAfterSec: number }
  | { status: "signed-in"; account: AccountView; renewed: boolean }
  | { status: "expired" }
  | { status: "failed"; reason: string };

export interface PkceStartView {
  state: string;
  authorizeUrl: string;
  redirectUri: string;
  expiresAt: number;
}

export interface SignedInView {
  account: AccountView;
  renewed: boolean;
}

export interface CodexLoginService {
  startDevice(): Promise<DeviceStartView>;
  pollDevice(id: string): Promise<DevicePollView>;
  startPkce(): Promise<PkceStartView>;
  completePkce(redirectUrl: string): Promise<SignedInView>;
}

interface DeviceSession {
  login: DeviceLogin;
  nextPollAt: number;
  /** Set once the sign-in is over, so a later poll answers the same. */
  result: DevicePollView | null;
}

function pruneExpired<T>(sessions: Map<string, T>, expiresAt: (session: T) => number, nowMs: number): void {
  for (const [key, session] of sessions) if (expiresAt(session) <= nowMs) sessions.delete(key);
}

export function createCodexLoginService({ store, authBaseUrl, logger, fetch: doFetch, onAccountsAdded, now = Date.now }: CodexLoginServiceDeps): CodexLoginService {
  const log = logger.child({ component: "codex-login" });
  const options = { authBaseUrl, now, ...(doFetch ? { fetch: doFetch } : {}) };
  const devices = new Map<string, DeviceSession>();
  const pkce = new Map<string, { verifier: string; expiresAt: number }>();
  const flight = createSingleFlight();

  function roomFor(sessions: Map<string, unknown>): void {
    if (sessions.size >= MAX_PENDING) throw new RateLimitError(`${MAX_PENDING} sign-ins are already pending; finish or let them expire first.`, 60);
  }

  async function saveSignIn(result: TokenEndpointResult, flow: string): Promise<SignedInView> {
    if (result.type === "refused") throw new UpstreamFailureError(502, `The auth host refused the sign-in (${result.code}); start again.`, { code: "codex_sign_in_refused" });
    if (result.type === "unavailable") throw new UpstreamFailureError(502, `The sign-in could not be finished: ${result.reason}.`, { code: "codex_sign_in_unavailable" });
    const { account, renewed } = await saveCodexSignIn(store, result.tokens, now());
    log.info("codex account signed in", { flow, account: account.id, label: maskSecret(account.credential), plan: account.plan, renewed });
    onAccountsAdded?.();
    return { account: accountView(account, [], await store.quotaWindows(account.id)), renewed };
  }

  async function pollOnce(id: string, session: DeviceSession): Promise<DevicePollView> {
    const nowMs = now();
    if (session.result) return session.result;
    if (nowMs >= session.login.expiresAtMs) return (session.result = { status: "expired" });
    // the page may poll as often as it likes; the auth host is asked at most once per interval
    if (nowMs < session.nextPollAt) return { status: "pending", retryAfterSec: Math.ceil((session.nextPollAt - nowMs) / 1000) };
    session.nextPollAt = nowMs + session.login.intervalSec * 1000;
    const poll = await pollDeviceLogin(session.login, options);
    switch (poll.type) {
      case "pending":
        return { status: "pending", retryAfterSec: session.login.intervalSec };
      case "unavailable":
        log.warn("device sign-in poll failed; will ask again", { session: id, reason: poll.reason });
        return { status: "pending", retryAfterSec: session.login.intervalSec };
      case "failed":
        return (session.result = { status: "failed", reason: poll.reason });
      case "approved": {
        const signedIn = await saveSignIn(await completeDeviceLogin(poll, options), "device").catch((error: unknown) => {
          session.result = { status: "failed", reason: error instanceof Error ? error.message : String(error) };
          throw error;
        });
        return (session.result = { status: "signed-in", ...signedIn });
      }
      default: {
        const _exhaustiveCheck: never = poll;
        return _exhaustiveCheck;
      }
    }
  }

  return {
    async startDevice() {
      pruneExpired(devices, (s) => s.login.expiresAtMs, now());
      roomFor(devices);
      const start = await startDeviceLogin(options);
      if (start.type === "disabled") throw new UpstreamFailureError(502, `Device-code sign-in is not available: ${start.reason}. Use the browser sign-in instead.`, { code: "codex_device_login_disabled" });
      if (start.type === "unavailable") throw new UpstreamFailureError(502, `Device-code sign-in could not start: ${start.reason}.`, { code: "codex_sign_in_unavailable" });
      const id = crypto.randomUUID();
      devices.set(id, { login: start.login, nextPollAt: now() + start.login.intervalSec * 1000, result: null });
      log.info("codex device sign-in started", { session: id, expiresAt: start.login.expiresAtMs });
      const { userCode, verificationUrl, intervalSec, expiresAtMs } = start.login;
      return { id, userCode, verificationUrl, intervalSec, expiresAt: expiresAtMs };
    },

    pollDevice(id) {
      const session = devices.get(id);
      if (!session) throw new NotFoundError("No pending device sign-in with this id (it expired or another instance started it); start again.", { param: "id", code: "sign_in_not_found" });
      return flight(`device:${id}`, () => pollOnce(id, session));
    },

    async startPkce() {
      pruneExpired(pkce, (s) => s.expiresAt, now());
      roomFor(pkce);
      const { verifier, challenge } = await createPkcePair();
      const state = createState();
      const expiresAt = now() + PKCE_LIFETIME_MS;
      pkce.set(state, { verifier, expiresAt });
      log.info("codex browser sign-in started", { expiresAt });
      return { state, authorizeUrl: buildAuthorizeUrl({ authBaseUrl, challenge, state }), redirectUri: CODEX_REDIRECT_URI, expiresAt };
    },

    async completePkce(redirectUrl) {
      const pasted = parsePastedRedirect(redirectUrl);
      if (pasted.type === "invalid") throw new InvalidRequestError(`Cannot read the pasted address: ${pasted.reason}.`, { param: "redirectUrl", code: "invalid_redirect_url" });
      if (pasted.type === "error") {
        if (pasted.state !== null) pkce.delete(pasted.state);
        const why = pasted.description?.includes("missing_codex_entitlement") ? "Codex is not enabled for this workspace" : (pasted.description ?? pasted.error);
        throw new InvalidRequestError(`The sign-in was refused: ${why}.`, { param: "redirectUrl", code: "codex_sign_in_refused" });
      }
      const session = pkce.get(pasted.state);
      // taken before the exchange: a code is single-use, so a second paste of the same address must not try again
      pkce.delete(pasted.state);
      if (!session || session.expiresAt <= now()) {
        throw new InvalidRequestError("This sign-in expired or was already finished (its state is unknown here); start again.", { param: "redirectUrl", code: "sign_in_not_found" });
      }
      return saveSignIn(await exchangeAuthorizationCode({ code: pasted.code, codeVerifier: session.verifier, redirectUri: CODEX_REDIRECT_URI }, options), "pkce");
    },
  };
}
