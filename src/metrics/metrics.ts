/**
 * @module The Metrics registry of one server: HTTP requests, upstream attempts and proof-of-work solves are counted as
 * they happen; the pool's gauges and the process figures are read at scrape time. server.ts creates one and hands it
 * to whoever counts; nothing here is module state.
 */
import type { AttemptOutcome } from "../pool/attempt-outcome.ts";
import { LabelledCounter } from "./labelled-counter.ts";
import { LabelledHistogram } from "./labelled-histogram.ts";
import type { PoolGauges } from "./pool-gauges.ts";
import { formatPrometheusText, type MetricFamily } from "./prometheus-text.ts";

export interface ObservedRequest {
  method: string;
  /** The matched route pattern (`/v1/models/:id`), never the raw path: ids and secrets stay out of labels. */
  route: string;
  status: number;
  seconds: number;
}

export interface Metrics {
  observeRequest(request: ObservedRequest): void;
  countAttempt(outcome: AttemptOutcome["type"]): void;
  countPowSolve(solved: boolean): void;
  /** The scrape body; `pool` is null when the store could not be read. */
  render(pool: PoolGauges | null): string;
}

export interface MetricsOptions {
  version: string;
  /** Epoch seconds the process started. */
  startTimeSeconds?: number;
  residentMemoryBytes?: () => number;
  cpuSeconds?: () => number;
}

/** Seconds; past Prometheus' defaults, since a non-streamed reply of a reasoning model takes minutes. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

/** Prometheus label values of the attempt outcomes (snake case, as label values usually are). */
export const OUTCOME_LABELS: Readonly<Record<AttemptOutcome["type"], string>> = {
  success: "success",
  unauthorized: "unauthorized",
  blocked: "blocked",
  capped: "capped",
  "server-error": "server_error",
  "client-error": "client_error",
};

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export function createMetrics({
  version,
  startTimeSeconds = performance.timeOrigin / 1000,
  residentMemoryBytes = () => process.memoryUsage.rss(),
  cpuSeconds = processCpuSeconds,
}: MetricsOptions): Metrics {
  const requests = new LabelledCounter("chat2api_http_requests_total", "HTTP requests answered, by method, route pattern and status.", ["method", "route", "status"]);
  const durations = new LabelledHistogram(
    "chat2api_http_request_duration_seconds",
    "Time from a request's arrival to its response headers (for a stream: to its first byte).",
    ["method", "route"],
    DURATION_BUCKETS,
  );
  const attempts = new LabelledCounter("chat2api_upstream_attempts_total", "Attempts at a ChatGPT conversation, by outcome.", ["outcome"]);
  // every outcome from the start, so a rate() over a never-seen outcome is 0 and not absent
  for (const outcome of Object.values(OUTCOME_LABELS)) attempts.inc({ outcome }, 0);
  const powSolves = new LabelledCounter("chat2api_pow_solves_total", "Proof-of-work challenges of conversations, by whether they were solved.", ["result"]);
  for (const result of ["solved", "unsolved"]) powSolves.inc({ result }, 0);

  function gauge(name: string, help: string, samples: MetricFamily["samples"]): MetricFamily {
    return { name, help, type: "gauge", samples };
  }

  return {
    observeRequest({ method, route, status, seconds }) {
      // methods are the client's to choose: unknown ones share one label so they cannot grow the series
      const label = METHODS.has(method) ? method : "OTHER";
      requests.inc({ method: label, route, status: String(status) });
      durations.observe({ method: label, route }, seconds);
    },
    countAttempt(outcome) {
      attempts.inc({ outcome: OUTCOME_LABELS[outcome] });
    },
    countPowSolve(solved) {
      powSolves.inc({ result: solved ? "solved" : "unsolved" });
    },
    render(pool) {
      const families: MetricFamily[] = [
        gauge("chat2api_build_info", "The running version.", [{ labels: { version }, value: 1 }]),
        requests.family(),
        durations.family(),
        attempts.family(),
        powSolves.family(),
        gauge("chat2api_store_up", "1 when the store answered this scrape, else 0.", [{ labels: {}, value: pool ? 1 : 0 }]),
      ];
      if (pool) {
        families.push(
          gauge("chat2api_accounts", "Pool accounts, by status.", Object.entries(pool.accounts).map(([status, value]) => ({ labels: { status }, value }))),
          gauge(
            "chat2api_account_cooldowns",
            "Cooldowns running now (one per account, or own token, and model), by reason.",
            Object.entries(pool.cooldowns).map(([reason, value]) => ({ labels: { reason }, value })),
          ),
        );
      }
      families.push(
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", [{ labels: {}, value: residentMemoryBytes() }]),
        gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", [{ labels: {}, value: startTimeSeconds }]),
        { name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", type: "counter", samples: [{ labels: {}, value: cpuSeconds() }] },
      );
      return formatPrometheusText(families);
    },
  };
}
