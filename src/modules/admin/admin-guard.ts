/**
 * @module The management guard: ADMIN_KEY, else any AUTHORIZATION key, else loopback callers only. Keys are
 * compared in constant time; a refusal never echoes what was sent.
 */
import { Elysia } from "elysia";
import type { Config } from "../../config.ts";
import { AuthenticationError, PermissionDeniedError } from "../../errors.ts";
import { matchesAnyKey } from "../../pool/resolve-caller.ts";
import { bearerOf } from "../request-context.ts";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;


/** `owner` seeds the plugin: Elysia drops a second plugin of the same name and seed, which would unguard a module. */
export function adminGuard({ config, owner }: { config: Pick<Config, "adminKey" | "authorizationKeys">; owner: string }) {
  const keys = config.adminKey ? [config.adminKey] : config.authorizationKeys;
  // scoped: guards the routes of the module that uses it, and nothing of the app around it
  return new Elysia({ name: "admin-guard", seed: owner }).onBeforeHandle({ as: "scoped" }, function checkAdminKey({ request, server }) {
    if (keys.length === 0) {
      const address = server?.requestIP(request)?.address ?? "";
      if (!LOOPBACK.test(address)) {
        throw new PermissionDeniedError("Management is only open to this machine: set ADMIN_KEY to manage accounts from elsewhere.");
      }
      return;
    }
    const bearer = bearerOf(request.headers.get("authorization"));
    if (!bearer) throw new AuthenticationError("Management needs the admin key: send Authorization: Bearer <ADMIN_KEY>.");
    if (!matchesAnyKey(bearer, keys)) throw new AuthenticationError("Incorrect admin key.");
  });
}
