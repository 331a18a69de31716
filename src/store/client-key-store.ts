/**
 * @module What the Store keeps of client keys (issue 11): the keys themselves, their per-minute windows, the leases of
 * requests in flight, and usage per UTC day. Admission is one transaction per request that reads the key's limits
 * and counts under a lock on the key's row (PostgreSQL), so every instance sharing the database counts together.
 */
import type { ClientKeyRow, ClientKeyUsageRow } from "./schema.sqlite.ts";

export type { ClientKeyRow, ClientKeyUsageRow };

export type NewClientKeyRow = Omit<ClientKeyRow, "revokedAt" | "rotatedAt">;

/** A new key's settings when the operator sets none: no expiry, every model, no limit. */
export const UNRESTRICTED_KEY = {
  expiresAt: null,
  models: "[]",
  requestsPerMinute: null,
  tokensPerMinute: null,
  concurrentRequests: null,
  tokensPerDay: null,
} as const satisfies Partial<NewClientKeyRow>;

/** What changes after a key is made: its settings, revocation, and rotation (a new digest and hint). */
export type ClientKeyPatch = Partial<
  Pick<
    ClientKeyRow,
    "name" | "expiresAt" | "models" | "requestsPerMinute" | "tokensPerMinute" | "concurrentRequests" | "tokensPerDay" | "revokedAt" | "digest" | "hint" | "rotatedAt"
  >
>;

/** Which limit refused a request. */
export type LimitName = "requests-per-minute" | "tokens-per-minute" | "concurrent-requests" | "tokens-per-day";

/** A key's counters as seen by one admission: the current minute's requests and tokens, today's tokens, requests in flight. */
export interface KeyCounts {
  requests: number;
  tokens: number;
  tokensToday: number;
  inFlight: number;
}

export interface AdmitInput {
  keyId: string;
  now: number;
  /** Epoch ms the current minute window began. */
  minuteStart: number;
  /** The current UTC day, `YYYY-MM-DD`. */
  day: string;
  /** The lease a concurrency-limited request takes: its id and when it lapses if never released (a crash). */
  lease: { id: string; expiresAt: number };
}

/**
 * `admitted`: counted (the minute's requests, the day's requests, and a lease when the key limits concurrency).
 * Refused: nothing was counted. `key` is the row as read under the lock (its limits are the ones applied); null
 * when the key is gone.
 */
export type Admission =
  | { admitted: true; key: ClientKeyRow; counts: KeyCounts; leaseTaken: boolean }
  | { admitted: false; key: ClientKeyRow | null; counts: KeyCounts; refusedBy: LimitName | "unknown-key" };

export interface FinishInput {
  keyId: string;
  /** The lease to release, when admission took one. */
  leaseId: string | null;
  promptTokens: number;
  completionTokens: number;
  /** The window the tokens are charged to: the one the request ended in. */
  minuteStart: number;
  day: string;
}

export interface ClientKeyStore {
  /** Inserts a key; its digest must be new (unique). */
  createClientKey(row: NewClientKeyRow): Promise<ClientKeyRow>;
  /** Every key, revoked ones too, oldest first. */
  listClientKeys(): Promise<ClientKeyRow[]>;
  getClientKey(id: string): Promise<ClientKeyRow | null>;
  /** The key whose secret has this SHA-256 (hex), revoked or not. */
  findClientKey(digest: string): Promise<ClientKeyRow | null>;
  /** The key after the patch; null when there is no such key. */
  updateClientKey(id: string, patch: ClientKeyPatch): Promise<ClientKeyRow | null>;
  /**
   * Admits one request of the key when every limit has room, counting it, in one transaction. Token limits admit
   * while the window has any room left (tokens are known only when a request ends). Concurrent admissions of one
   * key are serialised on the key's row, across instances too.
   */
  admitClientKeyRequest(input: AdmitInput): Promise<Admission>;
  /** Releases the request's lease and charges its tokens to the minute window and the day's usage. */
  finishClientKeyRequest(input: FinishInput): Promise<void>;
  /** The key's usage rows from `fromDay` (inclusive, `YYYY-MM-DD`) on, oldest first. */
  clientKeyUsage(keyId: string, fromDay: string): Promise<ClientKeyUsageRow[]>;
}

/** The limit a request would pass with these counts (before it is counted), or null when every limit has room. */
export function limitReached(key: ClientKeyRow, counts: KeyCounts): LimitName | null {
  if (key.tokensPerDay !== null && counts.tokensToday >= key.tokensPerDay) return "tokens-per-day";
  if (key.tokensPerMinute !== null && counts.tokens >= key.tokensPerMinute) return "tokens-per-minute";
  if (key.concurrentRequests !== null && counts.inFlight >= key.concurrentRequests) return "concurrent-requests";
  if (key.requestsPerMinute !== null && counts.requests >= key.requestsPerMinute) return "requests-per-minute";
  return null;
}
