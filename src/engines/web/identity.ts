/**
 * @module The browser identity presented upstream: user agent, device id and base headers (upstream.md §3.1).
 * Stable per token, so one account always looks like the same browser; fresh per request for anonymous use.
 */

export const DEFAULT_USER_AGENTS: readonly string[] = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:144.0) Gecko/20100101 Firefox/144.0",
];

export interface UpstreamIdentity {
  /** `null` for ChatGPT's no-login mode (`/backend-anon`). */
  accessToken: string | null;
  /** Team workspace id, sent as `chatgpt-account-id`. */
  teamAccountId: string | null;
  userAgent: string;
  deviceId: string;
  /** Outbound proxy bound to this identity, `{}` already substituted. */
  proxyUrl: string | null;
}

function digest(text: string): Uint8Array {
  return new Bun.CryptoHasher("sha256").update(text).digest();
}

/** A UUIDv4-shaped id derived from the token, so the device id survives restarts without storage. */
function stableUuid(seed: string): string {
  const bytes = digest(`device:${seed}`).slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function pick<T>(items: readonly T[], seed: string): T {
  const bytes = digest(`pick:${seed}`);
  const index = ((bytes[0] ?? 0) * 256 + (bytes[1] ?? 0)) % items.length;
  return items[index] as T;
}

export interface IdentityOptions {
  userAgents: readonly string[];
  proxyUrls: readonly string[];
}

/** Builds the identity for one credential; `stickyKey` is the account's token (or id) and never leaves this module. */
export function createIdentity(
  credential: { accessToken: string | null; teamAccountId: string | null; stickyKey?: string },
  { userAgents, proxyUrls }: IdentityOptions,
): UpstreamIdentity {
  const agents = userAgents.length > 0 ? userAgents : DEFAULT_USER_AGENTS;
  const key = credential.stickyKey ?? credential.accessToken;
  const seed = key ?? crypto.randomUUID();
  const proxyTemplate = proxyUrls.length > 0 ? pick(proxyUrls, seed) : null;
  const accountHash = new Bun.CryptoHasher("md5").update(seed).digest("hex");
  return {
    accessToken: credential.accessToken,
    teamAccountId: credential.teamAccountId,
    userAgent: pick(agents, seed),
    deviceId: key ? stableUuid(key) : crypto.randomUUID(),
    proxyUrl: proxyTemplate ? proxyTemplate.replaceAll("{}", accountHash) : null,
  };
}

/** Client-hint headers only make sense for Chromium user agents, and must agree with the UA. */
function clientHints(userAgent: string): Record<string, string> {
  const chrome = /Chrome\/(\d+)/.exec(userAgent);
  if (!chrome || /Firefox|Version\/\d+.*Safari/.test(userAgent)) return {};
  const major = chrome[1];
  const brand = /Edg\//.test(userAgent) ? `"Microsoft Edge";v="${major}"` : `"Google Chrome";v="${major}"`;
  const platform = /Macintosh/.test(userAgent) ? '"macOS"' : /Linux/.test(userAgent) ? '"Linux"' : '"Windows"';
  return {
    "sec-ch-ua": `"Chromium";v="${major}", ${brand}, "Not?A_Brand";v="99"`,
    "sec-ch-ua-mobile": "?0",
    "sec-ch-ua-platform": platform,
  };
}

export interface BaseHeaderOptions {
  host: string;
  language: string;
  authKey: string | null;
}

export function baseHeaders(identity: UpstreamIdentity, { host, language, authKey }: BaseHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    accept: "*/*",
    "accept-language": `${language},${language.split("-")[0]};q=0.9`,
    "content-type": "application/json",
    origin: host,
    referer: `${host}/`,
    priority: "u=1, i",
    "sec-fetch-dest": "empty",
    "sec-fetch-mode": "cors",
    "sec-fetch-site": "same-origin",
    "user-agent": identity.userAgent,
    "oai-device-id": identity.deviceId,
    "oai-language": language,
    ...clientHints(identity.userAgent),
  };
  if (identity.accessToken) headers.authorization = `Bearer ${identity.accessToken}`;
  if (identity.teamAccountId) headers["chatgpt-account-id"] = identity.teamAccountId;
  if (authKey) headers.authkey = authKey;
  return headers;
}

/** `/backend-api` with a token, `/backend-anon` without (no-login mode). */
export function backendBase(host: string, identity: UpstreamIdentity): string {
  return `${host}${identity.accessToken ? "/backend-api" : "/backend-anon"}`;
}
