/**
 * @module Who may use the pass-through gateway, and with what. The gateway lends its route (host, proxy, AUTH_KEY)
 * but never an account: it forwards the caller's own ChatGPT credentials or none at all (no-login mode).
 */
import type { Config } from "../../config.ts";
import { AuthenticationError, PermissionDeniedError } from "../../errors.ts";
import { matchesAnyKey } from "../../pool/resolve-caller.ts";
import { isJwt, isShareToken } from "../../pool/token-kind.ts";

export type GatewayCaller =
  /** Brings a credential of its own; `stickyKey` (the token) binds its proxy and host. */
  | { kind: "own"; stickyKey: string }
  /** No login; bound by its device id when it sends one, so requirements and conversation share a route. */
  | { kind: "anonymous"; stickyKey: string | null };

export type GatewayAccessConfig = Pick<Config, "authorizationKeys" | "adminKey">;

function credentialOf(authorization: string | null): string {
  const raw = authorization?.trim() ?? "";
  const value = /^Bearer\s+(.*)$/i.exec(raw)?.[1] ?? raw;
  // `<token>,<team account id>` is chat2api's API convention; the key test looks at the token alone
  return value.split(",", 1)[0]?.trim() ?? "";
}

/** Throws the ApiError the client should hear, or says how the request may go upstream. */
export function admitGatewayCaller(headers: Headers, { authorizationKeys, adminKey }: GatewayAccessConfig): GatewayCaller {
  const token = credentialOf(headers.get("authorization"));
  const privateServer = authorizationKeys.length > 0;
  const serverKeys = adminKey ? [...authorizationKeys, adminKey] : authorizationKeys;
  if (token !== "") {
    // A pool key is never swapped for a pool account here (that would hand the pool to any browser), and never
    // forwarded (it would leak this server's secret to the upstream). The pool is served by /v1 only.
    if (serverKeys.length > 0 && matchesAnyKey(token, serverKeys)) {
      throw new PermissionDeniedError(
        "The gateway (/backend-api, /backend-anon) only passes your own ChatGPT access token through; a key of this server does not lend its accounts here. Use /v1/chat/completions for the account pool.",
        { code: "gateway_own_credentials_only" },
      );
    }
    // on a private server a mistyped key must not travel upstream as if it were a token
    if (privateServer && !isJwt(token) && !isShareToken(token)) {
      throw new AuthenticationError("The gateway forwards ChatGPT access tokens only; this bearer is neither one nor usable here.");
    }
    return { kind: "own", stickyKey: token };
  }
  // A private server does not relay no-login traffic for strangers. A chat2api in front of it proves it may by
  // sending one of the AUTHORIZATION keys as header `authkey` (its own AUTH_KEY setting).
  if (privateServer && !matchesAnyKey(headers.get("authkey") ?? "", authorizationKeys)) {
    throw new AuthenticationError(
      "This server is private: send your ChatGPT access token as the bearer, or (a chat2api in front of it) one of its AUTHORIZATION keys as header authkey.",
    );
  }
  return { kind: "anonymous", stickyKey: headers.get("oai-device-id")?.trim() || null };
}
