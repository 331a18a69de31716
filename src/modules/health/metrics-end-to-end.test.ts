/**
 * @module /metrics end to end: chat2api with a pool against the strict emulator, upstream failures injected, then
 * one scrape. The counters follow what happened, and no token, key or prefix of the test shows in the scrape.
 */
import { expect, test } from "bun:test";
import { ADMIN_KEY, POOL_KEY, startPoolHarness } from "../../../test/pool/pool-harness.ts";

const PREFIX = "pfx-e2e-s3cret";

test("after chats with a failing and a capped account, the scrape counts attempts, accounts and cooldowns and leaks nothing", async () => {
  await using h = await startPoolHarness({ API_PREFIX: PREFIX });
  const list = [h.emulator.addAccount({ plan: "plus" }), h.emulator.addAccount({ plan: "plus" }), h.emulator.addAccount({ plan: "plus" })];
  const [a, b] = list.map((account) => account.id);
  const base = `${h.server.url}/${PREFIX}`;
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${base}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  expect((await admin("POST", "/accounts", { tokens: list.map((account) => account.accessToken).join("\n") })).status).toBe(200);
  h.emulator.inject({ endpoint: "conversation", account: a ?? "", kind: { type: "status", status: 401 } });
  h.emulator.inject({ endpoint: "conversation", account: b ?? "", kind: { type: "cap", clearsInSec: 3600 } });
  const chat = () =>
    fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${POOL_KEY}` },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello metrics" }] }),
    });
  // the first chat fails over a (401) and b (429) to c; the second goes to c again
  expect([(await chat()).status, (await chat()).status]).toEqual([200, 200]);
  expect((await fetch(`${base}/v1/models/gpt-4o-${"x".repeat(8)}`)).status).toBe(404);
  // each chat's request-log entry is written as its reply ends: wait for both, so both successes were counted
  for (let turn = 0; ((await (await admin("GET", "/requests")).json()) as { data: unknown[] }).data.length < 2; turn++) {
    if (turn > 500) throw new Error("the two chats were never logged");
    await new Promise((resolve) => setImmediate(resolve));
  }

  expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${POOL_KEY}` } })).status).toBe(401);
  const scrape = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  const text = await scrape.text();
  const lines = text.split("\n");
  const expected = [
    'chat2api_upstream_attempts_total{outcome="success"} 2',
    'chat2api_upstream_attempts_total{outcome="unauthorized"} 1',
    'chat2api_upstream_attempts_total{outcome="capped"} 1',
    'chat2api_upstream_attempts_total{outcome="blocked"} 0',
    'chat2api_http_requests_total{method="POST",route="/v1/chat/completions",status="200"} 2',
    'chat2api_http_requests_total{method="POST",route="/admin/api/accounts",status="200"} 1',
    'chat2api_accounts{status="active"} 2',
    'chat2api_accounts{status="failed"} 1',
    'chat2api_account_cooldowns{reason="capped"} 1',
    "chat2api_store_up 1",
  ];
  expect({ status: scrape.status, missing: expected.filter((line) => !lines.includes(line)) }).toEqual({ status: 200, missing: [] });
  expect(lines.some((line) => /^chat2api_http_requests_total\{method="GET",route="\/v1\/models\/:\w+",status="404"\} 1$/.test(line))).toBe(true);
  expect(lines.some((line) => /^chat2api_pow_solves_total\{result="solved"\} [1-9]/.test(line))).toBe(true);

  const secrets = [POOL_KEY, ADMIN_KEY, PREFIX, "x".repeat(8), ...list.flatMap((account) => [account.accessToken, account.accessToken.slice(-16)])];
  expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
});
