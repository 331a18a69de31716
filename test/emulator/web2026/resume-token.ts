/**
 * @module The `resume_conversation_token` of a 2026 stream (web-2026.md §6.3): an ES256 JWT naming the turn's topic
 * `conversation-turn-<turn_exchange_id>`, valid four hours. Signed with a key of this process, so a resume endpoint
 * (a later addition) can check that a token is one the emulator issued.
 */
import { generateKeyPairSync, randomUUID, sign, verify } from "node:crypto";

const LIFETIME_SEC = 4 * 3600;
const HEADER = Buffer.from(JSON.stringify({ alg: "ES256", typ: "JWT" })).toString("base64url");

export interface ResumeClaims {
  conduit_uuid: string;
  conduit_location: string;
  cluster: string;
  iat: number;
  exp: number;
  turn_topic_id: string;
}

export class ResumeTokens {
  private readonly keys = generateKeyPairSync("ec", { namedCurve: "P-256" });

  constructor(private readonly now: () => number) {}

  issue(turnExchangeId: string): string {
    const iat = Math.floor(this.now() / 1000);
    const claims: ResumeClaims = {
      conduit_uuid: randomUUID(),
      conduit_location: "10.128.7.21:8301",
      cluster: "unified-7",
      iat,
      exp: iat + LIFETIME_SEC,
      turn_topic_id: `conversation-turn-${turnExchangeId}`,
    };
    const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
    const signature = sign("sha256", Buffer.from(body), { key: this.keys.privateKey, dsaEncoding: "ieee-p1363" });
    return `${body}.${signature.toString("base64url")}`;
  }

  /** The claims of a token this emulator signed and that has not expired, else undefined. */
  read(token: string): ResumeClaims | undefined {
    const [header, payload, signature] = token.split(".");
    if (header !== HEADER || payload === undefined || signature === undefined) return undefined;
    const ok = verify("sha256", Buffer.from(`${header}.${payload}`), { key: this.keys.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
    if (!ok) return undefined;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as ResumeClaims;
    return claims.exp * 1000 > this.now() ? claims : undefined;
  }
}
