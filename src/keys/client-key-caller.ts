/**
 * @module Client keys as callers: a bearer that is a client key is served from the pool, like an AUTHORIZATION
 * key, once it is verified (unknown, revoked or expired: 401). Every other bearer goes to the resolver it wraps.
 */
import type { CallerResolver } from "../pool/resolve-caller.ts";
import type { ClientKeys } from "./key-store-facade.ts";
import { isClientKeySecret } from "./secret.ts";

export function withClientKeys(resolve: CallerResolver, keys: Pick<ClientKeys, "verify">): CallerResolver {
  return async (input) => {
    const token = input.bearer?.split(",", 1)[0]?.trim() ?? "";
    if (!isClientKeySecret(token)) return resolve(input);
    await keys.verify(token);
    return { kind: "pool" };
  };
}
