/**
 * @module The browser identity presented upstream: user agent, device id and base headers (upstream.md §3.1).
 * Stable per token, so one account always looks like the same browser; fresh per request for anonymous use.
 */

/** Browsers of mid-2026 (web-2026.md §2.1: peers pin Chrome 148, Edge 142-143, Firefox 148). */
export const DEFAULT_USER_AGENTS: readonly string[] = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36 Edg/148.0.0.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:148.0) Gecko/20100101 Firefox/148.0",
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

/** A UUIDv4-shaped id derived from `text`: the same text always gives the same id. */
function uuidFrom(text: string): string {
  const bytes = digest(text).slice(0, 16);
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
  return {
    accessToken: credential.accessToken,
    teamAccountId: credential.teamAccountId,
    userAgent: pick(agents, seed),
    // derived from the token, so the device id survives restarts without storage
    deviceId: key ? uuidFrom(`device:${key}`) : crypto.randomUUID(),
    proxyUrl: proxyTemplate ? proxyTemplate.replaceAll("{}", new Bun.CryptoHasher("md5").update(seed).digest("hex")) : null,
  };
}

const GREASE_CHARACTERS = [" ", "(", ":", "-", ".", "/", ")", ";", "=", "?", "_"];
const GREASE_VERSIONS = ["8", "99", "24"];
/** Where brand i of [grease, Chromium, the browser] goes, for major version mod 6. */
const BRAND_ORDERS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/**
 * `sec-ch-ua` as Chromium builds it for a major version: the "not a brand" entry, its version and the order of the
 * three entries all follow from the major number, so a header that does not match its UA's version stands out.
 * (Chrome 148: `"Chromium";v="148", "Google Chrome";v="148", "Not/A)Brand";v="99"`, web-2026.md §2.1.)
 */
export function secChUa(major: number, brand: string): string {
  const n = GREASE_CHARACTERS.length;
  const grease = `"Not${GREASE_CHARACTERS[major % n]}A${GREASE_CHARACTERS[(major + 1) % n]}Brand";v="${GREASE_VERSIONS[major % 3]}"`;
  const entries = [grease, `"Chromium";v="${major}"`, `"${brand}";v="${major}"`];
  const order = BRAND_ORDERS[major % 6] as number[];
  const placed: string[] = [];
  entries.forEach((entry, i) => {
    placed[order[i] as number] = entry;
  });
  return placed.join(", ");
}

/** New per process: a restart is a new page load, whose `oai-session-id` is new (web-2026.md §1.4). */
const PAGE_LOAD = crypto.randomUUID();

/** Computed once per identity: a 2026 chat sends it on each of its four backend calls. */
const sessionIds = new WeakMap<UpstreamIdentity, string>();

/** `oai-session-id`: stable for one device for the life of this process, as a browser tab's is for its page. */
export function sessionIdOf(identity: UpstreamIdentity): string {
  let id = sessionIds.get(identity);
  if (id === undefined) {
    id = uuidFrom(`session:${PAGE_LOAD}:${identity.deviceId}`);
    sessionIds.set(identity, id);
  }
  return id;
}

/** The client hints of each user agent seen: a handful (USER_AGENTS or the defaults), asked for on every call. */
const hintsByAgent = new Map<string, Readonly<Record<string, string>>>();
const MAX_REMEMBERED_AGENTS = 64;

/** Client-hint headers only make sense for Chromium user agents, and must agree with the UA. */
function clientHints(userAgent: string): Readonly<Record<string, string>> {
  let hints = hintsByAgent.get(userAgent);
  if (hints === undefined) {
    hints = hintsOf(userAgent);
    if (hintsByAgent.size < MAX_REMEMBERED_AGENTS) hintsByAgent.set(userAgent, hints);
  }
  return hints;
}

function hintsOf(userAgent: string): Readonly<Record<string, string>> {
  const chrome = /Chrome\/(\d+)/.exec(userAgent);
  if (!chrome || /Firefox|Version\/\d+.*Safari/.test(userAgent)) return {};
  const edge = /Edg\/(\d+)/.exec(userAgent);
  const platform = /Macintosh/.test(userAgent) ? '"macOS"' : /Linux/.test(userAgent) ? '"Linux"' : '"Windows"';
  return {
    "sec-ch-ua": edge ? secChUa(Number(edge[1]), "Microsoft Edge") : secChUa(Number(chrome[1]), "Google Chrome"),
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
