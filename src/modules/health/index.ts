/**
 * @module `/healthz` (the process answers) and `/readyz` (the store answers), for systemd and load balancers.
 */
import { Elysia, t } from "elysia";

export function healthModule({ ready }: { ready: () => Promise<boolean> }) {
  return new Elysia({ name: "health" })
    .get("/healthz", () => ({ status: "ok" as const }), {
      response: t.Object({ status: t.Literal("ok") }),
      detail: { tags: ["Health"], summary: "Liveness" },
    })
    .get(
      "/readyz",
      async ({ set }) => {
        const ok = await ready().catch(() => false);
        if (!ok) set.status = 503;
        return { status: ok ? ("ready" as const) : ("unavailable" as const) };
      },
      { detail: { tags: ["Health"], summary: "Readiness" } },
    );
}
