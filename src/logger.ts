/**
 * @module The logger: one line per event (JSON or pretty), with secrets redacted in one place.
 */
import type { LogLevel } from "./config.ts";
import { decodeEscapes } from "./http/decode-escapes.ts";
import { stderrLogSink } from "./log-sink.ts";

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are secrets whatever they look like. */
const SECRET_KEYS = /^(authorization|token|access_?token|refresh_?token|api_?key|admin_?key|auth_?key|password|secret|cookie|set-cookie)$/i;

/** Shapes of secrets that may hide inside free text (error messages, URLs). */
const SECRET_PATTERNS: RegExp[] = [
  /eyJ[A-Za-z0-9_-]{8,}\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // session tokens (a JWE: empty key part)
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // JWT access tokens
  /\brt_[A-Za-z0-9._-]{10,}/g, // refresh tokens (new style)
  /(Bearer\s+)[^\s,"]+/gi,
  /\b[A-Za-z0-9_-]{45}\b/g, // refresh tokens (45 characters)
];

/** Masks a secret for display: first 6 and last 4 characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 12) return "*".repeat(secret.length);
  return `${secret.slice(0, 6)}…${secret.slice(-4)}`;
}

function redactPatterns(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === "string" && /^Bearer/i.test(prefix) ? `${prefix}[redacted]` : "[redacted]",
    );
  }
  return out;
}

export function redactText(text: string): string {
  const out = redactPatterns(text);
  if (!/%[0-9a-fA-F]{2}/.test(out)) return out;
  // a secret percent-encoded in a URL (`rt%5F…`, `%2E` inside a JWT) slips past the patterns: judge it decoded too
  const decoded = decodeEscapes(out);
  const redacted = redactPatterns(decoded);
  return redacted === decoded ? out : redacted;
}

/** Deep-copies a value with every secret replaced; safe to log. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[depth]";
  if (typeof value === "string") return redactText(value);
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEYS.test(key) && item != null ? "[redacted]" : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}

export interface LoggerOptions {
  level: LogLevel;
  format: "json" | "pretty";
  /** Where lines go; tests capture them. */
  write?: (line: string) => void;
  fields?: LogFields;
}

export function createLogger({ level, format, write = (line) => stderrLogSink().write(line), fields = {} }: LoggerOptions): Logger {
  const threshold = LEVELS[level];
  const emit = (lineLevel: LogLevel, message: string, extra?: LogFields): void => {
    if (LEVELS[lineLevel] < threshold) return;
    const merged = redact({ ...fields, ...extra }) as LogFields;
    const safeMessage = redactText(message);
    if (format === "json") {
      write(JSON.stringify({ time: new Date().toISOString(), level: lineLevel, msg: safeMessage, ...merged }));
      return;
    }
    const rest = Object.entries(merged)
      .map(([key, item]) => `${key}=${typeof item === "string" ? item : JSON.stringify(item)}`)
      .join(" ");
    write(`${new Date().toISOString()} ${lineLevel.toUpperCase().padEnd(5)} ${safeMessage}${rest ? ` ${rest}` : ""}`);
  };
  return {
    debug: (message, extra) => emit("debug", message, extra),
    info: (message, extra) => emit("info", message, extra),
    warn: (message, extra) => emit("warn", message, extra),
    error: (message, extra) => emit("error", message, extra),
    child: (extra) => createLogger({ level, format, write, fields: { ...fields, ...extra } }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
