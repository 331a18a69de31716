/**
 * @module Configuration: every setting, parsed once from the environment (and `.env`, which Bun loads) and CLI
 * flags, typed and frozen. A bad value stops start-up with one line that names the variable and the expected form.
 */
import { cpus } from "node:os";
import { join } from "node:path";
import { isTerminal } from "./terminal.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Config {
  port: number;
  host: string;
  /** Path prefix secret (`/<prefix>/v1/...`); `null` when unset. */
  apiPrefix: string | null;
  /** Pool keys: a client presenting one is served from the account pool. */
  authorizationKeys: readonly string[];
  adminKey: string | null;
  /** Origins (scheme://host:port) a browser may call the management routes from; the API's CORS stays open. */
  adminOrigins: readonly string[];
  /** Sent upstream as header `authkey` (private gateways). */
  authKey: string | null;
  chatgptBaseUrls: readonly string[];
  authBaseUrl: string;
  oauthClientId: string;
  oauthRedirectUri: string;
  proxyUrls: readonly string[];
  exportProxyUrl: string | null;
  arkoseTokenUrls: readonly string[];
  turnstileSolverUrl: string | null;
  historyDisabled: boolean;
  powDifficulty: string;
  /** Which ChatGPT web protocol to speak: `auto` tries 2026 and falls back to 2024 per upstream base URL. */
  webProtocol: "auto" | "2026" | "2024";
  retryTimes: number;
  enableGateway: boolean;
  conversationOnly: boolean;
  enableLimit: boolean;
  uploadByUrl: boolean;
  checkModel: boolean;
  /** A request with tools for a web model goes to the Codex engine (native tools) when the pool has a Codex account. */
  toolsPreferCodex: boolean;
  scheduledRefresh: boolean;
  refreshCron: string;
  /** OAuth exchanges of callers' own refresh tokens one client address may cause per minute (the server: 10×). */
  refreshExchangesPerMinute: number;
  /** Days the request log keeps a row; 0 keeps every row forever. */
  requestLogDays: number;
  randomToken: boolean;
  oaiLanguage: string;
  userAgents: readonly string[];
  reasoningDisplay: "field" | "inline";
  allowPrivateUrls: boolean;
  maxBodyBytes: number;
  maxFileBytes: number;
  /** Image and file parts one request may carry. */
  maxAttachments: number;
  /** Of those, URLs one request may have fetched. */
  maxAttachmentUrls: number;
  /** Bytes of images and files one request may fetch or decode in all. */
  maxMediaBytes: number;
  dataDir: string;
  databaseUrl: string;
  /** Seals tokens at rest (AES-256-GCM, key by HKDF-SHA256); null stores them plain. */
  dataKey: string | null;
  /** Earlier DATA_KEYs: stored tokens sealed with them are re-sealed with DATA_KEY at start-up. */
  dataKeyPrevious: readonly string[];
  powWorkers: number;
  /** Upstream conversations streaming at once, server-wide. */
  maxUpstreamStreams: number;
  /** Upstream conversations at once per pool account, per caller's own token, and for no-login mode. */
  maxStreamsPerAccount: number;
  /** Requests waiting for a stream slot at once; past it they are refused at once. */
  streamQueueLength: number;
  /** How long a request waits for a stream slot before a 429 (its account is busy) or 503 (the server is). */
  streamQueueWaitMs: number;
  /** How long an image that ChatGPT finishes after the stream is waited for (looking at the conversation). */
  lateImageWaitMs: number;
  logLevel: LogLevel;
  logFormat: "json" | "pretty";
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

interface Setting<K extends keyof Config> {
  key: K;
  env: string;
  /** Also accepted as `--<flag> value` or `--<flag>=value`. */
  flag?: string;
  help: string;
  /** The default as the user would write it; parsed like a user value. */
  fallback: string | ((raw: Partial<Record<string, string>>) => string);
  parse: (value: string) => Config[K];
  expected: string;
}

const TRUE_WORDS = new Set(["true", "1", "t", "y", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "f", "n", "no", "off"]);

function bool(value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new Error("not a boolean");
}

function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new Error("not a whole number");
    const n = Number(value.trim());
    if (n < min || n > max) throw new Error(`out of range ${min}..${max}`);
    return n;
  };
}

function list(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function httpUrl(value: string): string {
  const url = new URL(value.trim());
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  return url.toString().replace(/\/+$/, "");
}

/** `https://a.example:8443`, as browsers send it in `Origin`: no path, no trailing slash, default port dropped. */
function webOrigin(value: string): string {
  const url = new URL(value.trim());
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  if (url.pathname !== "/" || url.search || url.hash || url.username) throw new Error("not an origin");
  return url.origin;
}

function proxyUrl(value: string): string {
  // `{}` is replaced per account later (sticky sessions of rotating proxies), so validate with a stand-in
  const url = new URL(value.trim().replaceAll("{}", "x"));
  if (!["http:", "https:", "socks5:", "socks5h:"].includes(url.protocol)) throw new Error("unsupported scheme");
  return value.trim();
}

function optional<T>(parse: (value: string) => T) {
  return (value: string): T | null => (value.trim() === "" ? null : parse(value));
}

function byteSize(value: string): number {
  const match = /^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(value.trim());
  if (!match) throw new Error("not a size");
  const unit = (match[2] ?? "b").toLowerCase();
  const factor = unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 ** 2 : unit.startsWith("g") ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

function userAgentList(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed === "" || trimmed === "[]") return [];
  // chat2api users write a Python-literal list; a JSON list or one UA per `|` is accepted too
  if (trimmed.startsWith("[")) {
    const parsed: unknown = JSON.parse(trimmed.replaceAll("'", '"'));
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) throw new Error("not a list");
    return parsed;
  }
  return trimmed.split("|").map((item) => item.trim()).filter(Boolean);
}

const SETTINGS: { [K in keyof Config]: Setting<K> } = {
  port: { key: "port", env: "PORT", flag: "port", help: "listen port", fallback: "5005", parse: int(0, 65535), expected: "a port number 0-65535" },
  host: { key: "host", env: "HOST", flag: "host", help: "listen address", fallback: "0.0.0.0", parse: (v) => v.trim(), expected: "a host name or IP" },
  apiPrefix: {
    key: "apiPrefix",
    env: "API_PREFIX",
    flag: "api-prefix",
    help: "path prefix secret: /<prefix>/v1/...",
    fallback: "",
    parse: optional((v) => {
      const prefix = v.trim().replace(/^\/+|\/+$/g, "");
      if (!/^[A-Za-z0-9._~-]+$/.test(prefix)) throw new Error("not a path segment");
      return prefix;
    }),
    expected: "one path segment of letters, digits, . _ ~ -",
  },
  authorizationKeys: { key: "authorizationKeys", env: "AUTHORIZATION", help: "comma list of keys served from the account pool", fallback: "", parse: list, expected: "a comma-separated list" },
  adminKey: { key: "adminKey", env: "ADMIN_KEY", help: "bearer for the management API and page", fallback: "", parse: optional((v) => v.trim()), expected: "a string" },
  adminOrigins: {
    key: "adminOrigins",
    env: "ADMIN_ORIGINS",
    help: "comma list of web origins allowed to call management routes cross-origin (CORS); none by default",
    fallback: "",
    parse: (v) => list(v).map(webOrigin),
    expected: "a comma-separated list of origins such as https://admin.example.com",
  },
  authKey: { key: "authKey", env: "AUTH_KEY", help: "sent upstream as header authkey (private gateways)", fallback: "", parse: optional((v) => v.trim()), expected: "a string" },
  chatgptBaseUrls: {
    key: "chatgptBaseUrls",
    env: "CHATGPT_BASE_URL",
    flag: "chatgpt-base-url",
    help: "comma list of upstream hosts, one picked per request",
    fallback: "https://chatgpt.com",
    parse: (v) => {
      const urls = list(v).map(httpUrl);
      if (urls.length === 0) throw new Error("empty");
      return urls;
    },
    expected: "a comma-separated list of http(s) URLs",
  },
  authBaseUrl: { key: "authBaseUrl", env: "AUTH_BASE_URL", help: "OAuth host for refresh tokens", fallback: "https://auth.openai.com", parse: httpUrl, expected: "an http(s) URL" },
  oauthClientId: { key: "oauthClientId", env: "OAUTH_CLIENT_ID", help: "OAuth client id for refresh", fallback: "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh", parse: (v) => v.trim(), expected: "a string" },
  oauthRedirectUri: {
    key: "oauthRedirectUri",
    env: "OAUTH_REDIRECT_URI",
    help: "OAuth redirect_uri for refresh",
    fallback: "com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback",
    parse: (v) => v.trim(),
    expected: "a string",
  },
  proxyUrls: { key: "proxyUrls", env: "PROXY_URL", help: "comma list of outbound proxies, one bound per account ({} = account hash)", fallback: "", parse: (v) => list(v).map(proxyUrl), expected: "a comma-separated list of proxy URLs" },
  exportProxyUrl: { key: "exportProxyUrl", env: "EXPORT_PROXY_URL", help: "proxy for fetching user-supplied URLs", fallback: "", parse: optional(proxyUrl), expected: "a proxy URL" },
  arkoseTokenUrls: { key: "arkoseTokenUrls", env: "ARKOSE_TOKEN_URL", help: "external Arkose token service(s)", fallback: "", parse: (v) => list(v).map(httpUrl), expected: "a comma-separated list of http(s) URLs" },
  turnstileSolverUrl: { key: "turnstileSolverUrl", env: "TURNSTILE_SOLVER_URL", help: "external Turnstile token service", fallback: "", parse: optional(httpUrl), expected: "an http(s) URL" },
  historyDisabled: { key: "historyDisabled", env: "HISTORY_DISABLED", help: "temporary chats; false keeps history", fallback: "true", parse: bool, expected: "true or false" },
  powDifficulty: {
    key: "powDifficulty",
    env: "POW_DIFFICULTY",
    help: "refuse a proof-of-work harder than this (lower hex = harder)",
    fallback: "00003a",
    parse: (v) => {
      if (!/^[0-9a-f]{1,16}$/.test(v.trim())) throw new Error("not hex");
      return v.trim();
    },
    expected: "lowercase hex such as 00003a",
  },
  webProtocol: {
    key: "webProtocol",
    env: "WEB_PROTOCOL",
    help: "ChatGPT web protocol: auto (2026, else 2024, remembered per upstream for 30 min), 2026 or 2024",
    fallback: "auto",
    parse: (v) => {
      const value = v.trim().toLowerCase();
      if (value !== "auto" && value !== "2026" && value !== "2024") throw new Error("not a protocol");
      return value;
    },
    expected: "auto, 2026 or 2024",
  },
  retryTimes: { key: "retryTimes", env: "RETRY_TIMES", help: "extra attempts, each on another account", fallback: "3", parse: int(0, 20), expected: "a whole number 0-20" },
  enableGateway: { key: "enableGateway", env: "ENABLE_GATEWAY", help: "pass-through gateway", fallback: "true", parse: bool, expected: "true or false" },
  conversationOnly: { key: "conversationOnly", env: "CONVERSATION_ONLY", help: "skip the sentinel (the upstream gateway solves it)", fallback: "false", parse: bool, expected: "true or false" },
  enableLimit: { key: "enableLimit", env: "ENABLE_LIMIT", help: "an account at its usage cap rests until it clears", fallback: "true", parse: bool, expected: "true or false" },
  uploadByUrl: { key: "uploadByUrl", env: "UPLOAD_BY_URL", help: "'URL1 URL2 text' uploads the URLs' content", fallback: "false", parse: bool, expected: "true or false" },
  checkModel: { key: "checkModel", env: "CHECK_MODEL", help: "check the account offers the model before sending", fallback: "false", parse: bool, expected: "true or false" },
  toolsPreferCodex: {
    key: "toolsPreferCodex",
    env: "TOOLS_PREFER_CODEX",
    help: "a request with tools for a web model uses the Codex engine when the pool has a Codex account",
    fallback: "false",
    parse: bool,
    expected: "true or false",
  },
  scheduledRefresh: { key: "scheduledRefresh", env: "SCHEDULED_REFRESH", help: "refresh tokens at start (if stale) and on REFRESH_CRON", fallback: "false", parse: bool, expected: "true or false" },
  refreshCron: {
    key: "refreshCron",
    env: "REFRESH_CRON",
    help: "croner pattern of the forced refresh",
    fallback: "0 3 */4 * *",
    parse: (v) => {
      const fields = v.trim().split(/\s+/);
      if (fields.length < 5 || fields.length > 7) throw new Error("not a cron pattern");
      return v.trim();
    },
    expected: "a cron pattern such as '0 3 */4 * *'",
  },
  refreshExchangesPerMinute: {
    key: "refreshExchangesPerMinute",
    env: "REFRESH_EXCHANGE_LIMIT",
    help: "callers' own refresh tokens exchanged per client address per minute (the whole server: 10x)",
    fallback: "10",
    parse: int(1, 10_000),
    expected: "a whole number 1-10000",
  },
  requestLogDays: {
    key: "requestLogDays",
    env: "REQUEST_LOG_DAYS",
    help: "days the request log keeps a row, pruned daily (0 = forever)",
    fallback: "30",
    parse: int(0, 36500),
    expected: "a whole number of days 0-36500",
  },
  randomToken: { key: "randomToken", env: "RANDOM_TOKEN", help: "random instead of round-robin selection", fallback: "false", parse: bool, expected: "true or false" },
  oaiLanguage: { key: "oaiLanguage", env: "OAI_LANGUAGE", help: "oai-language header sent upstream", fallback: "en-US", parse: (v) => v.trim(), expected: "a language tag" },
  userAgents: { key: "userAgents", env: "USER_AGENTS", help: "browser user agents sent upstream (list)", fallback: "", parse: userAgentList, expected: "a list such as ['UA1', 'UA2']" },
  reasoningDisplay: {
    key: "reasoningDisplay",
    env: "REASONING_DISPLAY",
    help: "field: reasoning_content; inline: quoted in content",
    fallback: "field",
    parse: (v) => {
      const value = v.trim();
      if (value !== "field" && value !== "inline") throw new Error("unknown");
      return value;
    },
    expected: "field or inline",
  },
  allowPrivateUrls: { key: "allowPrivateUrls", env: "ALLOW_PRIVATE_URLS", help: "let user URLs reach private addresses", fallback: "false", parse: bool, expected: "true or false" },
  maxBodyBytes: { key: "maxBodyBytes", env: "MAX_BODY_SIZE", help: "largest accepted request body", fallback: "8mb", parse: byteSize, expected: "a size such as 8mb" },
  maxFileBytes: { key: "maxFileBytes", env: "MAX_FILE_SIZE", help: "largest image or file fetched or decoded", fallback: "16mb", parse: byteSize, expected: "a size such as 16mb" },
  maxAttachments: { key: "maxAttachments", env: "MAX_ATTACHMENTS", help: "image and file parts per request", fallback: "20", parse: int(0, 10_000), expected: "a whole number 0-10000" },
  maxAttachmentUrls: { key: "maxAttachmentUrls", env: "MAX_ATTACHMENT_URLS", help: "image URLs fetched per request", fallback: "10", parse: int(0, 10_000), expected: "a whole number 0-10000" },
  maxMediaBytes: {
    key: "maxMediaBytes",
    env: "MAX_MEDIA_SIZE",
    help: "bytes of images and files one request may fetch or decode in all (default 4 × MAX_FILE_SIZE)",
    // MAX_FILE_SIZE is parsed (and refused if bad) before this fallback runs
    fallback: (raw) => String(4 * byteSize(raw.MAX_FILE_SIZE ?? "16mb")),
    parse: byteSize,
    expected: "a size such as 64mb",
  },
  dataDir: { key: "dataDir", env: "DATA_DIR", flag: "data-dir", help: "where the database and files live", fallback: "./data", parse: (v) => v.trim(), expected: "a directory path" },
  dataKey: {
    key: "dataKey",
    env: "DATA_KEY",
    help: "encrypts tokens at rest (32+ random characters, e.g. openssl rand -base64 32); unset stores them plain",
    fallback: "",
    // never echoed: a bad value is reported by the store without it
    parse: optional((v) => v.trim()),
    expected: "a secret of 32 or more characters",
  },
  dataKeyPrevious: {
    key: "dataKeyPrevious",
    env: "DATA_KEY_PREVIOUS",
    help: "comma list of former DATA_KEYs: their tokens are re-encrypted with DATA_KEY at start-up",
    fallback: "",
    parse: list,
    expected: "a comma-separated list of keys",
  },
  databaseUrl: {
    key: "databaseUrl",
    env: "DATABASE_URL",
    flag: "database-url",
    help: "sqlite:<path> (default under DATA_DIR) or postgres://…",
    fallback: (raw) => `sqlite:${join(raw.DATA_DIR ?? "./data", "chat2api.db")}`,
    parse: (v) => {
      if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(v.trim())) throw new Error("unknown scheme");
      return v.trim();
    },
    expected: "sqlite:<path> or postgres://…",
  },
  powWorkers: { key: "powWorkers", env: "POW_WORKERS", help: "worker threads for proof-of-work", fallback: String(Math.max(1, cpus().length)), parse: int(1, 256), expected: "a whole number 1-256" },
  maxUpstreamStreams: {
    key: "maxUpstreamStreams",
    env: "MAX_UPSTREAM_STREAMS",
    help: "upstream conversations at once, server-wide (beyond: wait, then 503)",
    fallback: "512",
    parse: int(1, 10_000),
    expected: "a whole number 1-10000",
  },
  maxStreamsPerAccount: {
    key: "maxStreamsPerAccount",
    env: "MAX_STREAMS_PER_ACCOUNT",
    help: "upstream conversations at once per pool account, own token, or no-login mode (beyond: wait, then 429)",
    fallback: "32",
    parse: int(1, 10_000),
    expected: "a whole number 1-10000",
  },
  streamQueueLength: { key: "streamQueueLength", env: "STREAM_QUEUE_LENGTH", help: "requests waiting for a stream slot at once", fallback: "256", parse: int(0, 100_000), expected: "a whole number 0-100000" },
  streamQueueWaitMs: {
    key: "streamQueueWaitMs",
    env: "STREAM_QUEUE_WAIT_MS",
    help: "how long a request waits for a stream slot, in ms (0 = refuse at once)",
    fallback: "10000",
    parse: int(0, 120_000),
    expected: "a whole number of milliseconds 0-120000",
  },
  lateImageWaitMs: {
    key: "lateImageWaitMs",
    env: "LATE_IMAGE_WAIT_MS",
    help: "how long an image finished after the stream is waited for, in ms",
    fallback: "180000",
    parse: int(100, 600_000),
    expected: "a whole number of milliseconds 100-600000",
  },
  logLevel: {
    key: "logLevel",
    env: "LOG_LEVEL",
    help: "debug, info, warn or error",
    fallback: "info",
    parse: (v) => {
      const level = v.trim().toLowerCase();
      if (!["debug", "info", "warn", "error"].includes(level)) throw new Error("unknown");
      return level as LogLevel;
    },
    expected: "debug, info, warn or error",
  },
  logFormat: {
    key: "logFormat",
    env: "LOG_FORMAT",
    help: "json or pretty (default: pretty on a TTY)",
    // the lines go to standard error (log-sink.ts): that is the stream whose reader sees them
    fallback: isTerminal(2) ? "pretty" : "json",
    parse: (v) => {
      const format = v.trim();
      if (format !== "json" && format !== "pretty") throw new Error("unknown");
      return format;
    },
    expected: "json or pretty",
  },
};

/** Aliases chat2api users may carry over. */
const ENV_ALIASES: Record<string, string> = { ARK0SE_TOKEN_URL: "ARKOSE_TOKEN_URL" };

/** Every environment variable chat2api reads (aliases too), for spotting misspelled ones. */
export function settingNames(): string[] {
  return [...Object.values(SETTINGS).map((setting) => setting.env), ...Object.keys(ENV_ALIASES)];
}

function readFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) throw new ConfigError(`Unexpected argument ${arg}; see --help`);
    const eq = arg.indexOf("=");
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) throw new ConfigError(`Flag ${arg} needs a value; see --help`);
    flags.set(arg.slice(2), next);
    i++;
  }
  return flags;
}

/** Builds the frozen Config; throws ConfigError with a one-line message naming the variable. */
export function loadConfig(env: Env, argv: readonly string[] = []): Readonly<Config> {
  const flags = readFlags(argv);
  const known = new Set(Object.values(SETTINGS).map((s) => s.flag).filter(Boolean));
  for (const flag of flags.keys()) {
    if (!known.has(flag)) throw new ConfigError(`Unknown flag --${flag}; see --help`);
  }
  const raw: Partial<Record<string, string>> = {};
  for (const [alias, name] of Object.entries(ENV_ALIASES)) {
    if (env[name] === undefined && env[alias] !== undefined) raw[name] = env[alias];
  }
  for (const setting of Object.values(SETTINGS)) {
    const fromFlag = setting.flag ? flags.get(setting.flag) : undefined;
    const value = fromFlag ?? env[setting.env] ?? raw[setting.env];
    if (value !== undefined) raw[setting.env] = value;
  }
  const config: Record<string, unknown> = {};
  for (const setting of Object.values(SETTINGS) as Setting<keyof Config>[]) {
    const given = raw[setting.env];
    const value = given ?? (typeof setting.fallback === "function" ? setting.fallback(raw) : setting.fallback);
    try {
      config[setting.key] = setting.parse(value);
    } catch {
      const source = setting.flag && flags.has(setting.flag) ? `--${setting.flag}` : setting.env;
      throw new ConfigError(`Invalid ${source}=${JSON.stringify(value)}: expected ${setting.expected}.`);
    }
  }
  return Object.freeze(config as unknown as Config);
}

/** The `--help` text: every setting with its variable, flag and default. */
export function configHelp(): string {
  const lines = ["Usage: chat2api [--flag value …]", "", "Settings (environment variable, flag, default):"];
  for (const setting of Object.values(SETTINGS) as Setting<keyof Config>[]) {
    const fallback = typeof setting.fallback === "function" ? "(derived)" : setting.fallback || "(none)";
    const flag = setting.flag ? ` --${setting.flag}` : "";
    lines.push(`  ${setting.env.padEnd(22)}${flag.padEnd(20)} ${setting.help} [default: ${fallback}]`);
  }
  lines.push("", "Values are also read from a .env file in the working directory.");
  return lines.join("\n");
}
