/**
 * @module `encrypted_content` of reasoning items: opaque to clients, sealed with the emulator's key and the account,
 * so a blob comes back only from the account it was issued to (codex.md §3.3, `invalid_encrypted_content`).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export class ReasoningSeal {
  private readonly key = randomBytes(32);

  seal(accountId: string, summary: readonly string[]): string {
    const payload = Buffer.from(JSON.stringify({ a: accountId, s: summary, n: randomBytes(6).toString("hex") })).toString("base64url");
    // Fernet tokens, which the real blobs are, start with "gAAAAA"
    return `gAAAAA${payload}.${this.mac(payload)}`;
  }

  /** The account the blob was sealed for, or undefined when it is not an intact blob of ours. */
  owner(blob: string): string | undefined {
    const match = /^gAAAAA([\w-]+)\.([\w-]+)$/.exec(blob);
    if (!match?.[1] || !match[2]) return undefined;
    const expected = Buffer.from(this.mac(match[1]), "base64url");
    const given = Buffer.from(match[2], "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const value: unknown = JSON.parse(Buffer.from(match[1], "base64url").toString("utf8"));
      return typeof value === "object" && value !== null && "a" in value && typeof value.a === "string" ? value.a : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}
