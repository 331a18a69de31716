import { expect, test } from "bun:test";
import { fetchCodexModels } from "./fetch-models.ts";
import { fetchCodexUsage } from "./fetch-usage.ts";

const NOW = 1_789_000_000_000;
const identity = { accessToken: "access-token-for-tests", accountId: "acc-1" };

/** The models and usage endpoints on 127.0.0.1, recording each request. */
function backend() {
  const seen: Array<{ path: string; headers: Headers }> = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const url = new URL(request.url);
      seen.push({ path: url.pathname + url.search, headers: request.headers });
      if (url.pathname === "/backend-api/wham/usage") {
        return Response.json({
          plan_type: "free",
          rate_limit: { allowed: true, limit_reached: false, primary_window: { used_percent: 30, limit_window_seconds: 604800, reset_after_seconds: 1000, reset_at: 1_789_001_000 }, secondary_window: null },
        });
      }
      if (request.headers.get("if-none-match") === '"v2"') return new Response(null, { status: 304, headers: { etag: '"v2"' } });
      return Response.json({ models: [{ slug: "gpt-5.5", priority: 1, supported_reasoning_levels: [{ effort: "low" }] }] }, { headers: { etag: '"v2"' } });
    },
  });
  return { server, seen, baseUrl: `http://127.0.0.1:${server.port}` };
}

test("the catalog is asked for with client_version and the identity headers; its ETag is kept; a match answers not-modified", async () => {
  const { server, seen, baseUrl } = backend();
  try {
    const first = await fetchCodexModels({ baseUrl, ...identity, clientVersion: "0.155.0" });
    expect(first.notModified === false && [first.models.map((model) => model.slug), first.etag]).toEqual([["gpt-5.5"], '"v2"']);
    expect(await fetchCodexModels({ baseUrl, ...identity, clientVersion: "0.155.0" }, '"v2"')).toEqual({ notModified: true });
    expect(seen.map((request) => [request.path, request.headers.get("accept"), request.headers.get("chatgpt-account-id"), request.headers.get("version")])).toEqual([
      ["/backend-api/codex/models?client_version=0.155.0", "application/json", "acc-1", "0.155.0"],
      ["/backend-api/codex/models?client_version=0.155.0", "application/json", "acc-1", "0.155.0"],
    ]);
  } finally {
    server.stop(true);
  }
});

test("the usage endpoint's windows are read by their length", async () => {
  const { server, baseUrl } = backend();
  try {
    expect(await fetchCodexUsage({ baseUrl, ...identity, now: () => NOW })).toEqual({
      planType: "free",
      windows: [{ windowMinutes: 10080, usedPercent: 30, resetsAt: 1_789_001_000_000 }],
      limitReachedUntil: null,
      observedAt: NOW,
    });
  } finally {
    server.stop(true);
  }
});
