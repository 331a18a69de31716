/**
 * @module Codex sign-in in the management API (`/admin/api/codex/login/*`), guarded like the rest: the device-code
 * flow (start, poll until the account is stored) and the browser flow with the pasted redirect.
 */
import { Elysia } from "elysia";
import type { Config } from "../../config.ts";
import { adminGuard } from "./admin-guard.ts";
import type { CodexLoginService } from "./codex-login-service.ts";
import { DevicePollView, DeviceStartView, PkceCompleteBody, PkceStartView, SignedInView } from "./codex-login-model.ts";
import { IdParams } from "./model.ts";

const tags = ["Codex sign-in"];

export function codexLoginModule({ service, config }: { service: CodexLoginService; config: Pick<Config, "adminKey" | "authorizationKeys"> }) {
  return new Elysia({ name: "codex-login" }).group("/admin/api/codex/login", (api) =>
    api
      .use(adminGuard({ config, owner: "codex-login" }))
      .post("/device", () => service.startDevice(), {
        response: DeviceStartView,
        detail: {
          tags,
          summary: "Start a device-code sign-in",
          description: "Show the user the code and the verification URL, then poll the returned id. The account must allow device-code login in its ChatGPT security settings.",
        },
      })
      .post("/device/:id", ({ params }) => service.pollDevice(params.id), {
        params: IdParams,
        response: DevicePollView,
        detail: {
          tags,
          summary: "Poll a device-code sign-in",
          description: "pending until the user enters the code; signed-in once the account is stored. The auth host is asked at most once per interval however often this is called.",
        },
      })
      .post("/pkce", () => service.startPkce(), {
        response: PkceStartView,
        detail: {
          tags,
          summary: "Start a browser sign-in (PKCE)",
          description: "Open authorizeUrl in a browser on any machine and sign in. The browser then lands on http://localhost:1455/auth/callback, which fails to load: paste that whole address to /pkce/complete within 10 minutes.",
        },
      })
      .post("/pkce/complete", ({ body }) => service.completePkce(body.redirectUrl), {
        body: PkceCompleteBody,
        response: SignedInView,
        detail: { tags, summary: "Finish a browser sign-in with the pasted redirect address", description: "Each sign-in can be finished once; the account is stored." },
      }),
  );
}
