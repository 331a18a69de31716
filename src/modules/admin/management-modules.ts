/** @module The pool's management modules (chat2api's /tokens routes, the JSON API and page), built from the runtime. */
import type { Config } from "../../config.ts";
import type { PoolRuntime } from "../../pool/pool-runtime.ts";
import { tokensModule } from "../tokens/index.ts";
import { adminModule } from "./index.ts";
import { createAdminService } from "./service.ts";

export function managementModules(config: Pick<Config, "adminKey" | "authorizationKeys">, runtime: PoolRuntime) {
  const service = createAdminService({ store: runtime.store, refresher: runtime.refresher, scheduler: runtime.scheduler });
  return [tokensModule({ service, config }), adminModule({ service, config })];
}
