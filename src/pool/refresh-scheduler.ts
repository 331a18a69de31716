/**
 * @module SCHEDULED_REFRESH (upstream.md §8.6): at start a lazy refresh of stale tokens, then a forced refresh of
 * all on REFRESH_CRON. One run at a time, whoever starts it (cron, start-up, the admin API).
 */
import { Cron } from "croner";
import type { Logger } from "../logger.ts";
import type { RefreshReport, Refresher } from "./refresher.ts";

export interface RefreshScheduler {
  /** When enabled: the start-up run (not forced), then the cron job. Resolves after the start-up run. */
  start(): Promise<RefreshReport | null>;
  /** Runs now, or joins the run already going. */
  runNow(options: { force: boolean }): Promise<RefreshReport>;
  nextRunAt(): Date | null;
  stop(): void;
}

export interface RefreshSchedulerDeps {
  refresher: Pick<Refresher, "refreshAll">;
  logger: Logger;
  enabled: boolean;
  /** croner pattern; 6 fields allow seconds, which tests use. */
  pattern: string;
  /** Told about every finished run (tests await it). */
  onRun?: (report: RefreshReport, trigger: "start" | "cron" | "manual") => void;
}

export function createRefreshScheduler({ refresher, logger, enabled, pattern, onRun }: RefreshSchedulerDeps): RefreshScheduler {
  let running: Promise<RefreshReport> | null = null;
  let job: Cron | null = null;

  function run(force: boolean, trigger: "start" | "cron" | "manual"): Promise<RefreshReport> {
    if (running) return running;
    running = (async () => {
      try {
        const report = await refresher.refreshAll({ force });
        logger.info("token refresh run finished", { trigger, force, refreshed: report.refreshed, failed: report.failed, skipped: report.skipped, failures: report.failures });
        onRun?.(report, trigger);
        return report;
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return {
    async start() {
      if (!enabled || job) return null;
      job = new Cron(pattern, { protect: true, catch: (error) => logger.error("scheduled refresh crashed", { error }) }, async () => {
        await run(true, "cron");
      });
      return run(false, "start");
    },
    runNow({ force }) {
      return run(force, "manual");
    },
    nextRunAt() {
      return job?.nextRun() ?? null;
    },
    stop() {
      job?.stop();
      job = null;
    },
  };
}
