/**
 * @module Tokens at rest: AES-256-GCM from Web Crypto, one key derived from DATA_KEY by HKDF-SHA256, a random 96-bit
 * IV per value, stored as `enc:v1:<key id>:<iv>:<ciphertext+tag>` (base64url). The column name is the additional
 * data, so a value moved to another column does not open. Older keys (DATA_KEY_PREVIOUS) only open; the current one
 * seals. Without DATA_KEY values stay plain.
 */

const PREFIX = "enc:v1:";
const SALT = new TextEncoder().encode("chat2api data key v1");
/** HKDF is not a password hash: a short DATA_KEY could be guessed offline from a stolen database. */
export const MIN_DATA_KEY_LENGTH = 32;

/** A DATA_KEY that cannot open what the database holds, or cannot be used at all. The message names the setting. */
export class DataKeyError extends Error {
  override name = "DataKeyError";
}

export interface DataKeys {
  /** DATA_KEY; null keeps values plain (and turns sealed ones back to plain if their key is in `previous`). */
  current: string | null;
  /** DATA_KEY_PREVIOUS: keys that may have sealed stored values, tried by key id. */
  previous: readonly string[];
}

export interface SecretBox {
  /** The current key's id (8 hex, derived from the key, revealing nothing of it); null when values stay plain. */
  readonly keyId: string | null;
  seal(plain: string, column: string): Promise<string>;
  /** A plain value passes through; a sealed one needs its key, else DataKeyError. */
  open(stored: string, column: string): Promise<string>;
  /** Whether `stored` is what `seal` writes now: sealed with the current key, or plain when there is none. */
  isCurrent(stored: string): boolean;
}

interface DerivedKey {
  id: string;
  key: CryptoKey;
}

function b64url(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString("base64url");
}

async function derive(secret: string): Promise<DerivedKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey", "deriveBits"]);
  const hkdf = (info: string) => ({ name: "HKDF", hash: "SHA-256", salt: SALT, info: new TextEncoder().encode(info) });
  const key = await crypto.subtle.deriveKey(hkdf("chat2api tokens at rest: AES-256-GCM"), material, { name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
  const id = Buffer.from(await crypto.subtle.deriveBits(hkdf("chat2api tokens at rest: key id"), material, 32)).toString("hex");
  return { id, key };
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** The key id a sealed value names; null for a plain one. */
export function sealedKeyId(stored: string): string | null {
  return isSealed(stored) ? (stored.slice(PREFIX.length).split(":")[0] ?? null) : null;
}

export async function createSecretBox({ current, previous }: DataKeys): Promise<SecretBox> {
  if (current !== null && current.length < MIN_DATA_KEY_LENGTH) {
    throw new DataKeyError(`DATA_KEY is too short: use at least ${MIN_DATA_KEY_LENGTH} random characters, such as the output of \`openssl rand -base64 32\`.`);
  }
  const sealing = current === null ? null : await derive(current);
  const keys = new Map<string, CryptoKey>();
  for (const secret of previous) {
    const derived = await derive(secret);
    keys.set(derived.id, derived.key);
  }
  if (sealing) keys.set(sealing.id, sealing.key);

  return {
    keyId: sealing?.id ?? null,
    async seal(plain, column) {
      if (!sealing) return plain;
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(column) }, sealing.key, new TextEncoder().encode(plain));
      return `${PREFIX}${sealing.id}:${b64url(iv)}:${b64url(sealed)}`;
    },
    async open(stored, column) {
      if (!isSealed(stored)) return stored;
      const [id = "", iv = "", data = ""] = stored.slice(PREFIX.length).split(":");
      const key = keys.get(id);
      if (!key) {
        const have = current === null ? "DATA_KEY is not set" : `DATA_KEY has key id ${sealing?.id}`;
        throw new DataKeyError(
          `The database holds tokens encrypted with a key of id ${id}, and ${have}: set DATA_KEY to that key (or, while rotating, list it in DATA_KEY_PREVIOUS).`,
        );
      }
      try {
        const opened = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: Buffer.from(iv, "base64url"), additionalData: new TextEncoder().encode(column) },
          key,
          Buffer.from(data, "base64url"),
        );
        return new TextDecoder().decode(opened);
      } catch {
        throw new DataKeyError(`A stored token in ${column} does not decrypt with the DATA_KEY of key id ${id}: the value is damaged or was sealed by another key.`);
      }
    },
    isCurrent(stored) {
      return sealing ? sealedKeyId(stored) === sealing.id : !isSealed(stored);
    },
  };
}
