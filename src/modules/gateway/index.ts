/**
 * @module `ALL /backend-api/*` and `ALL /backend-anon/*` (ENABLE_GATEWAY): the pass-through gateway. Mounted last,
 * because it is a catch-all under those two roots; when it is not mounted the app answers them 404.
 */
import { Elysia } from "elysia";
import type { Logger } from "../../logger.ts";
import type { FetchLike } from "../../engines/web/session.ts";
import { type GatewayConfig, GatewayService } from "./service.ts";

export function gatewayModule({ config, logger, fetch }: { config: GatewayConfig; logger: Logger; fetch?: FetchLike | undefined }) {
  const service = new GatewayService({ config, logger: logger.child({ component: "gateway" }), ...(fetch ? { fetch } : {}) });
  // parse "none": the body is forwarded as the raw stream it arrived as, never read here
  const hook = { parse: "none" as const, detail: { hide: true } };
  return new Elysia({ name: "gateway" })
    .all("/backend-api/*", ({ request }) => service.forward(request), hook)
    .all("/backend-anon/*", ({ request }) => service.forward(request), hook);
}
