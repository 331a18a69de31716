/**
 * @module Client keys as the rest of the server sees them: the management operations (create, settings, rotate,
 * revoke, usage) and the three moments of a request made with a key: `admit` (unknown, revoked or expired → 401; a
 * model outside its list → 404 as if it did not exist; a limit without room → 429), `release` when the HTTP
 * response ends, and `charge` when the reply's tokens are known (its request-log row).
 */
import { AuthenticationError, ModelNotFoundError } from "../errors.ts";
import { type ClientKeyPatch, type ClientKeyRow, type ClientKeyStore, type ClientKeyUsageRow, UNRESTRICTED_KEY } from "../store/client-key-store.ts";
import { dayOf, limitRefusal, minuteStartOf, rateLimitHeaders } from "./limits.ts";
import { clientKeyDigest, clientKeyHint, logLabelOfDigest, newClientKeySecret } from "./secret.ts";

/** A lease lapses after this if its instance never releases it (a crash); a longer stream outlives its count. */
const LEASE_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export interface KeyLimits {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  concurrentRequests: number | null;
  tokensPerDay: number | null;
}

/** What an operator sets on a key; every field but the name may be left out (no expiry, every model, no limit). */
export interface KeySettings extends Partial<KeyLimits> {
  name?: string;
  /** Epoch ms; null: never. */
  expiresAt?: number | null;
  /** Model names the key may ask for; empty: every model. */
  models?: string[];
}

export interface KeyView extends KeyLimits {
  id: string;
  name: string;
  /** The secret's prefix and last 4 characters. */
  hint: string;
  status: "active" | "expired" | "revoked";
  models: string[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  rotatedAt: number | null;
}

export interface UsageDay {
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** An admitted request: what its end must release, and the headers it is answered with. */
export interface KeyTicket {
  keyId: string;
  leaseId: string | null;
  headers: Record<string, string>;
}

export interface ClientKeysOptions {
  store: ClientKeyStore;
  now?: () => number;
}

function modelsOf(key: ClientKeyRow): string[] {
  const parsed: unknown = JSON.parse(key.models);
  return Array.isArray(parsed) ? parsed.filter((model): model is string => typeof model === "string") : [];
}

export class ClientKeys {
  private readonly store: ClientKeyStore;
  private readonly now: () => number;
  /** Request-log label → key id, for the keys this instance has admitted (their replies end here). */
  private readonly byLabel = new Map<string, string>();

  constructor({ store, now = Date.now }: ClientKeysOptions) {
    this.store = store;
    this.now = now;
  }

  view(key: ClientKeyRow): KeyView {
    const now = this.now();
    const status = key.revokedAt !== null ? "revoked" : key.expiresAt !== null && key.expiresAt <= now ? "expired" : "active";
    const { id, name, hint, createdAt, expiresAt, revokedAt, rotatedAt, requestsPerMinute, tokensPerMinute, concurrentRequests, tokensPerDay } = key;
    return { id, name, hint, status, models: modelsOf(key), createdAt, expiresAt, revokedAt, rotatedAt, requestsPerMinute, tokensPerMinute, concurrentRequests, tokensPerDay };
  }

  /**
   * A new secret whose log label no other key has, so a request-log row names one key. Its digest is new too: a
   * collision of SHA-256 is not a case to handle.
   */
  private async freshSecret(): Promise<{ secret: string; digest: string }> {
    const labels = new Set((await this.store.listClientKeys()).map((key) => logLabelOfDigest(key.digest)));
    for (;;) {
      const secret = newClientKeySecret();
      const digest = clientKeyDigest(secret);
      if (!labels.has(logLabelOfDigest(digest))) return { secret, digest };
    }
  }

  private patchOf(settings: KeySettings): ClientKeyPatch {
    const patch: ClientKeyPatch = {};
    if (settings.name !== undefined) patch.name = settings.name;
    if (settings.expiresAt !== undefined) patch.expiresAt = settings.expiresAt;
    if (settings.models !== undefined) patch.models = JSON.stringify([...new Set(settings.models)]);
    for (const limit of ["requestsPerMinute", "tokensPerMinute", "concurrentRequests", "tokensPerDay"] as const) {
      if (settings[limit] !== undefined) patch[limit] = settings[limit];
    }
    return patch;
  }

  /** The secret is in this answer only; the store keeps its digest. */
  async create(settings: KeySettings & { name: string }): Promise<{ key: KeyView; secret: string }> {
    const { secret, digest } = await this.freshSecret();
    const row = await this.store.createClientKey({
      id: `key_${Bun.randomUUIDv7().replaceAll("-", "")}`,
      digest,
      hint: clientKeyHint(secret),
      createdAt: this.now(),
      name: settings.name,
      ...UNRESTRICTED_KEY,
      ...this.patchOf(settings),
    });
    return { key: this.view(row), secret };
  }

  async list(): Promise<KeyView[]> {
    return (await this.store.listClientKeys()).map((key) => this.view(key));
  }

  async get(id: string): Promise<KeyView | null> {
    const key = await this.store.getClientKey(id);
    return key ? this.view(key) : null;
  }

  async update(id: string, settings: KeySettings): Promise<KeyView | null> {
    const key = await this.store.updateClientKey(id, this.patchOf(settings));
    return key ? this.view(key) : null;
  }

  /** A new secret for the same key (id, limits and usage stay); the old secret stops working at once. */
  async rotate(id: string): Promise<{ key: KeyView; secret: string } | null> {
    const { secret, digest } = await this.freshSecret();
    const key = await this.store.updateClientKey(id, { digest, hint: clientKeyHint(secret), rotatedAt: this.now() });
    return key ? { key: this.view(key), secret } : null;
  }

  /** Revoked for good; a second revoke keeps the first time. */
  async revoke(id: string): Promise<KeyView | null> {
    const key = await this.store.getClientKey(id);
    if (!key) return null;
    if (key.revokedAt !== null) return this.view(key);
    const revoked = await this.store.updateClientKey(id, { revokedAt: this.now() });
    return revoked ? this.view(revoked) : null;
  }

  /** The last `days` UTC days, today included, oldest first; a day without requests is zeros. */
  async usage(id: string, days: number): Promise<UsageDay[]> {
    const today = this.now();
    const dates = Array.from({ length: days }, (_, index) => dayOf(today - (days - 1 - index) * DAY_MS));
    const rows = new Map<string, ClientKeyUsageRow>((await this.store.clientKeyUsage(id, dates[0] ?? dayOf(today))).map((row) => [row.day, row]));
    return dates.map((day) => {
      const row = rows.get(day);
      const promptTokens = row?.promptTokens ?? 0;
      const completionTokens = row?.completionTokens ?? 0;
      return { day, requests: row?.requests ?? 0, promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
    });
  }

  /** The key a secret names, if it may be used now; else the 401 that says why (never echoing the secret). */
  async verify(secret: string): Promise<ClientKeyRow> {
    const key = await this.store.findClientKey(clientKeyDigest(secret));
    if (!key) throw new AuthenticationError("Incorrect API key provided: it is not a key of this server.");
    if (key.revokedAt !== null) throw new AuthenticationError("This API key has been revoked.", { code: "key_revoked" });
    if (key.expiresAt !== null && key.expiresAt <= this.now()) throw new AuthenticationError("This API key has expired.", { code: "key_expired" });
    this.byLabel.set(logLabelOfDigest(key.digest), key.id);
    return key;
  }

  /**
   * The models a client-key bearer may use (empty: every model), or null when the bearer is no client key. An
   * invalid key throws its 401, as any other request with it would.
   */
  async allowedModels(secret: string | null): Promise<string[] | null> {
    if (secret === null) return null;
    return modelsOf(await this.verify(secret));
  }

  /** Checks and counts one request for `model` (null: the endpoint's default); throws the 401, 404 or 429. */
  async admit(secret: string, model: string | null): Promise<KeyTicket> {
    const key = await this.verify(secret);
    const allowed = modelsOf(key);
    if (model !== null && allowed.length > 0 && !allowed.includes(model)) throw new ModelNotFoundError(model);
    const now = this.now();
    const lease = { id: crypto.randomUUID(), expiresAt: now + LEASE_MS };
    const admission = await this.store.admitClientKeyRequest({ keyId: key.id, now, minuteStart: minuteStartOf(now), day: dayOf(now), lease });
    if (!admission.admitted) {
      // revoked or removed between the two reads: as if it had been so at the first
      if (admission.refusedBy === "unknown-key" || !admission.key) throw new AuthenticationError("Incorrect API key provided: it is not a key of this server.");
      throw limitRefusal(admission.refusedBy, admission.key, admission.counts, now);
    }
    return { keyId: key.id, leaseId: admission.leaseTaken ? lease.id : null, headers: rateLimitHeaders(admission.key, admission.counts, now) };
  }

  /** The request's HTTP response ended (or never started): its concurrency lease goes. */
  async release(ticket: KeyTicket): Promise<void> {
    if (ticket.leaseId === null) return;
    const now = this.now();
    await this.store.finishClientKeyRequest({ keyId: ticket.keyId, leaseId: ticket.leaseId, promptTokens: 0, completionTokens: 0, minuteStart: minuteStartOf(now), day: dayOf(now) });
  }

  /** A reply ended: its tokens go to the key named by the request-log label, when it is a key admitted here. */
  async charge(label: string, tokens: { promptTokens: number; completionTokens: number }): Promise<void> {
    const keyId = this.byLabel.get(label);
    if (!keyId) return;
    const now = this.now();
    await this.store.finishClientKeyRequest({ keyId, leaseId: null, ...tokens, minuteStart: minuteStartOf(now), day: dayOf(now) });
  }
}
