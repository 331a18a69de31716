/**
 * @module The management guard: ADMIN_KEY, else any AUTHORIZATION key, else only this machine's own callers: a
 * loopback peer whose request carries no cross-site signal (see cross-site-signal.ts), so neither a web page open in
 * a local browser, nor DNS rebinding, nor a local reverse proxy opens it. Keys are compared in constant time; a
 * refusal never echoes what was sent.
 */
import { Elysia } from "elysia";
import type { Config } from "../../config.ts";
import { AuthenticationError, PermissionDeniedError } from "../../errors.ts";
import { matchesAnyKey } from "../../pool/resolve-caller.ts";
import { bearerOf } from "../request-context.ts";
import { crossSiteSignal } from "./cross-site-signal.ts";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

type GuardConfig = Pick<Config, "adminKey" | "authorizationKeys">;

function managementKeys(config: GuardConfig): readonly string[] {
  return config.adminKey ? [config.adminKey] : config.authorizationKeys;
}

/** True when management is protected by a key rather than by "this machine only". */
export function hasManagementKey(config: GuardConfig): boolean {
  return managementKeys(config).length > 0;
}

/** `owner` seeds the plugin: Elysia drops a second plugin of the same name and seed, which would unguard a module. */
export function adminGuard({ config, owner }: { config: GuardConfig; owner: string }) {
  const keys = managementKeys(config);
  // scoped: guards the routes of the module that uses it, and nothing of the app around it
  return new Elysia({ name: "admin-guard", seed: owner }).onBeforeHandle({ as: "scoped" }, function checkAdminKey({ request, server }) {
    if (keys.length === 0) {
      const address = server?.requestIP(request)?.address ?? "";
      if (!LOOPBACK.test(address)) {
        throw new PermissionDeniedError("Management is only open to this machine: set ADMIN_KEY to manage accounts from elsewhere.");
      }
      const signal = crossSiteSignal(request.headers);
      if (signal) {
        throw new PermissionDeniedError(
          `Management without a key answers only this machine's own requests, and ${signal}. Set ADMIN_KEY to manage accounts from elsewhere.`,
        );
      }
      return;
    }
    const bearer = bearerOf(request.headers.get("authorization"));
    if (!bearer) throw new AuthenticationError("Management needs the admin key: send Authorization: Bearer <ADMIN_KEY>.");
    if (!matchesAnyKey(bearer, keys)) throw new AuthenticationError("Incorrect admin key.");
  });
}
