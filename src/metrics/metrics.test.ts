/** @module The Metrics registry: what a scrape says after requests, attempts and solves, down to every line. */
import { expect, test } from "bun:test";
import type { AttemptOutcome } from "../pool/attempt-outcome.ts";
import { createMetrics, DURATION_BUCKETS, OUTCOME_LABELS } from "./metrics.ts";

const FIXED = { version: "9.9.9", startTimeSeconds: 1_700_000_000.25, residentMemoryBytes: () => 123_456, cpuSeconds: () => 1.5 };

/** The sample lines of a scrape (no comments), for exact comparisons. */
function samples(text: string): string[] {
  return text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
}

test("a fresh registry shows every attempt outcome and solve result at 0, the process figures and the pool", () => {
  const text = createMetrics(FIXED).render({ accounts: { active: 2, disabled: 0, failed: 1 }, cooldowns: { capped: 1, blocked: 0, quota: 0 } });
  expect(samples(text)).toEqual([
    'chat2api_build_info{version="9.9.9"} 1',
    'chat2api_upstream_attempts_total{outcome="success"} 0',
    'chat2api_upstream_attempts_total{outcome="unauthorized"} 0',
    'chat2api_upstream_attempts_total{outcome="blocked"} 0',
    'chat2api_upstream_attempts_total{outcome="capped"} 0',
    'chat2api_upstream_attempts_total{outcome="server_error"} 0',
    'chat2api_upstream_attempts_total{outcome="client_error"} 0',
    'chat2api_pow_solves_total{result="solved"} 0',
    'chat2api_pow_solves_total{result="unsolved"} 0',
    "chat2api_store_up 1",
    'chat2api_accounts{status="active"} 2',
    'chat2api_accounts{status="disabled"} 0',
    'chat2api_accounts{status="failed"} 1',
    'chat2api_account_cooldowns{reason="capped"} 1',
    'chat2api_account_cooldowns{reason="blocked"} 0',
    'chat2api_account_cooldowns{reason="quota"} 0',
    "process_resident_memory_bytes 123456",
    "process_start_time_seconds 1700000000.25",
    "process_cpu_seconds_total 1.5",
  ]);
  expect(text.match(/^# TYPE .*$/gm)).toEqual([
    "# TYPE chat2api_build_info gauge",
    "# TYPE chat2api_http_requests_total counter",
    "# TYPE chat2api_http_request_duration_seconds histogram",
    "# TYPE chat2api_upstream_attempts_total counter",
    "# TYPE chat2api_pow_solves_total counter",
    "# TYPE chat2api_store_up gauge",
    "# TYPE chat2api_accounts gauge",
    "# TYPE chat2api_account_cooldowns gauge",
    "# TYPE process_resident_memory_bytes gauge",
    "# TYPE process_start_time_seconds gauge",
    "# TYPE process_cpu_seconds_total counter",
  ]);
});

test("a store that did not answer drops the pool gauges and says so in chat2api_store_up", () => {
  const lines = samples(createMetrics(FIXED).render(null));
  expect({ up: lines.filter((line) => line.startsWith("chat2api_store_up")), pool: lines.filter((line) => /chat2api_account/.test(line)) }).toEqual({
    up: ["chat2api_store_up 0"],
    pool: [],
  });
});

test("requests are counted per method, route and status; durations fall in cumulative buckets", () => {
  const metrics = createMetrics(FIXED);
  metrics.observeRequest({ method: "POST", route: "/v1/chat/completions", status: 200, seconds: 0.25 });
  metrics.observeRequest({ method: "POST", route: "/v1/chat/completions", status: 200, seconds: 7 });
  metrics.observeRequest({ method: "POST", route: "/v1/chat/completions", status: 429, seconds: 0.0625 });
  metrics.observeRequest({ method: "BREW", route: "unmatched", status: 404, seconds: 500 });
  const lines = samples(metrics.render(null));
  expect(lines.filter((line) => line.startsWith("chat2api_http_requests_total"))).toEqual([
    'chat2api_http_requests_total{method="POST",route="/v1/chat/completions",status="200"} 2',
    'chat2api_http_requests_total{method="POST",route="/v1/chat/completions",status="429"} 1',
    'chat2api_http_requests_total{method="OTHER",route="unmatched",status="404"} 1',
  ]);
  const cumulative = (le: number): number => [0.25, 7, 0.0625].filter((seconds) => seconds <= le).length;
  expect(lines.filter((line) => line.startsWith("chat2api_http_request_duration_seconds") && line.includes('method="POST"'))).toEqual([
    ...DURATION_BUCKETS.map((le) => `chat2api_http_request_duration_seconds_bucket{method="POST",route="/v1/chat/completions",le="${le}"} ${cumulative(le)}`),
    'chat2api_http_request_duration_seconds_bucket{method="POST",route="/v1/chat/completions",le="+Inf"} 3',
    'chat2api_http_request_duration_seconds_sum{method="POST",route="/v1/chat/completions"} 7.3125',
    'chat2api_http_request_duration_seconds_count{method="POST",route="/v1/chat/completions"} 3',
  ]);
  expect(lines).toContain('chat2api_http_request_duration_seconds_bucket{method="OTHER",route="unmatched",le="300"} 0');
  expect(lines).toContain('chat2api_http_request_duration_seconds_bucket{method="OTHER",route="unmatched",le="+Inf"} 1');
});

test.each(Object.entries(OUTCOME_LABELS) as Array<[AttemptOutcome["type"], string]>)("attempt outcome %s is counted as outcome=\"%s\"", (outcome, label) => {
  const metrics = createMetrics(FIXED);
  metrics.countAttempt(outcome);
  metrics.countAttempt(outcome);
  expect(samples(metrics.render(null)).filter((line) => line.startsWith("chat2api_upstream_attempts_total") && !line.endsWith(" 0"))).toEqual([
    `chat2api_upstream_attempts_total{outcome="${label}"} 2`,
  ]);
});

test("proof-of-work solves are counted by result", () => {
  const metrics = createMetrics(FIXED);
  metrics.countPowSolve(true);
  metrics.countPowSolve(true);
  metrics.countPowSolve(false);
  expect(samples(metrics.render(null)).filter((line) => line.startsWith("chat2api_pow_solves_total"))).toEqual([
    'chat2api_pow_solves_total{result="solved"} 2',
    'chat2api_pow_solves_total{result="unsolved"} 1',
  ]);
});

test("two registries count apart: nothing is shared between servers in one process", () => {
  const a = createMetrics(FIXED);
  const b = createMetrics(FIXED);
  a.countAttempt("success");
  expect(samples(b.render(null))).toContain('chat2api_upstream_attempts_total{outcome="success"} 0');
});
