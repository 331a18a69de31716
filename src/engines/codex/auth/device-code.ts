/**
 * @module Device-code sign-in (codex.md §1.4): ask the auth host for a user code, show it with the verification URL,
 * poll every `interval` seconds (403 and 404 mean "not yet"), then exchange the code the host hands back with the
 * verifier it hands back too. Never throws; no message quotes a code or verifier.
 */
import { exchangeAuthorizationCode } from "./exchange-code.ts";
import { authHost, CODEX_CLIENT_ID, DEVICE_CALLBACK_PATH, DEVICE_VERIFICATION_PATH } from "./oauth-clients.ts";
import type { TokenEndpointOptions, TokenEndpointResult } from "./token-endpoint.ts";

/** Codes expire after 15 minutes (codex.md §1.4 step 2). */
export const DEVICE_CODE_LIFETIME_MS = 15 * 60_000;
const DEFAULT_INTERVAL_SEC = 5;

export interface DeviceLogin {
  /** Identifies the login at the auth host; not shown to the user. */
  deviceAuthId: string;
  /** What the user types at `verificationUrl`, e.g. ABCD-EFGH. */
  userCode: string;
  verificationUrl: string;
  intervalSec: number;
  expiresAtMs: number;
}

export type DeviceStart =
  | { type: "started"; login: DeviceLogin }
  /** 404: the host has device login switched off. */
  | { type: "disabled"; reason: string }
  | { type: "unavailable"; reason: string };

export type DevicePoll =
  | { type: "pending" }
  | { type: "approved"; authorizationCode: string; codeVerifier: string }
  /** A refusal other than "pending": the login is over. */
  | { type: "failed"; reason: string }
  | { type: "unavailable"; reason: string };

export interface DeviceOptions extends TokenEndpointOptions {
  clientId?: string;
  now?: () => number;
}

async function postJson(url: string, body: Record<string, string>, { fetch: doFetch = fetch, timeoutMs = 30_000 }: DeviceOptions): Promise<{ status: number; body: unknown } | { error: string }> {
  try {
    const response = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    return { error: `auth host unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function field(body: unknown, ...names: string[]): string | null {
  if (typeof body !== "object" || body === null) return null;
  const record = body as Record<string, unknown>;
  for (const name of names) {
    const value = record[name];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
  }
  return null;
}

export async function startDeviceLogin(options: DeviceOptions): Promise<DeviceStart> {
  const host = authHost(options.authBaseUrl);
  const answer = await postJson(`${host}/api/accounts/deviceauth/usercode`, { client_id: options.clientId ?? CODEX_CLIENT_ID }, options);
  if ("error" in answer) return { type: "unavailable", reason: answer.error };
  if (answer.status === 404) return { type: "disabled", reason: "the auth host has device-code login switched off (404)" };
  if (answer.status !== 200) return { type: "unavailable", reason: `auth host answered HTTP ${answer.status} to the device-code request` };
  const deviceAuthId = field(answer.body, "device_auth_id");
  // the code is `user_code` in S1, `usercode` in some answers; `interval` is a string of seconds
  const userCode = field(answer.body, "user_code", "usercode");
  if (!deviceAuthId || !userCode) return { type: "unavailable", reason: "the device-code answer lacks device_auth_id or user_code" };
  const interval = Number(field(answer.body, "interval"));
  return {
    type: "started",
    login: {
      deviceAuthId,
      userCode,
      verificationUrl: `${host}${DEVICE_VERIFICATION_PATH}`,
      intervalSec: Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_INTERVAL_SEC,
      expiresAtMs: (options.now ?? Date.now)() + DEVICE_CODE_LIFETIME_MS,
    },
  };
}

/** One look: has the user approved yet? */
export async function pollDeviceLogin(login: Pick<DeviceLogin, "deviceAuthId" | "userCode">, options: DeviceOptions): Promise<DevicePoll> {
  const answer = await postJson(
    `${authHost(options.authBaseUrl)}/api/accounts/deviceauth/token`,
    { device_auth_id: login.deviceAuthId, user_code: login.userCode },
    options,
  );
  if ("error" in answer) return { type: "unavailable", reason: answer.error };
  if (answer.status === 403 || answer.status === 404) return { type: "pending" };
  if (answer.status >= 500) return { type: "unavailable", reason: `auth host answered HTTP ${answer.status}` };
  if (answer.status !== 200) return { type: "failed", reason: `auth host refused the device login (HTTP ${answer.status})` };
  const authorizationCode = field(answer.body, "authorization_code");
  const codeVerifier = field(answer.body, "code_verifier");
  if (!authorizationCode || !codeVerifier) return { type: "failed", reason: "the approved device login lacks authorization_code or code_verifier" };
  return { type: "approved", authorizationCode, codeVerifier };
}

/** The approved login's code → tokens, bound to the host's device callback and the verifier the host chose. */
export function completeDeviceLogin(approved: { authorizationCode: string; codeVerifier: string }, options: DeviceOptions): Promise<TokenEndpointResult> {
  return exchangeAuthorizationCode(
    {
      code: approved.authorizationCode,
      codeVerifier: approved.codeVerifier,
      redirectUri: `${authHost(options.authBaseUrl)}${DEVICE_CALLBACK_PATH}`,
      ...(options.clientId ? { clientId: options.clientId } : {}),
    },
    options,
  );
}

export type DeviceWait = Extract<DevicePoll, { type: "approved" | "failed" }> | { type: "expired" } | { type: "aborted" };

export interface DeviceWaitOptions extends DeviceOptions {
  /** Waits `ms`; tests pass one that does not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Polls every `intervalSec` until approved, refused or expired; an unreachable host is tried again next interval. */
export async function waitForDeviceLogin(login: DeviceLogin, options: DeviceWaitOptions): Promise<DeviceWait> {
  const { sleep = abortableSleep, signal, now = Date.now } = options;
  for (;;) {
    if (signal?.aborted) return { type: "aborted" };
    if (now() >= login.expiresAtMs) return { type: "expired" };
    await sleep(login.intervalSec * 1000, signal);
    if (signal?.aborted) return { type: "aborted" };
    const poll = await pollDeviceLogin(login, options);
    if (poll.type === "approved" || poll.type === "failed") return poll;
  }
}
