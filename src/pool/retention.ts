/**
 * @module REQUEST_LOG_DAYS: a daily job (and one run at start-up) deletes request-log rows older than that many days,
 * so the log of a server that runs for months stays bounded; conversations last used before the same cutoff go with
 * them. One run at a time, whoever starts it.
 */
import { Cron } from "croner";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { createSingleFlight } from "./single-flight.ts";

/** Every day at 04:17 local time: off the hour, when other cron jobs of the machine crowd in. */
export const RETENTION_CRON = "17 4 * * *";

const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionTrigger = "start" | "cron" | "manual";

export interface RequestLogRetention {
  /** When enabled: schedules the daily prune and runs one now; resolves with what that run deleted (null when off). */
  start(): Promise<number | null>;
  /** Prunes now (nothing when off), or joins the run already going; rejects when the store fails. */
  runNow(): Promise<number>;
  nextRunAt(): Date | null;
  /** Stops the schedule and waits for a run in progress, so the store can be closed after it. */
  stop(): Promise<void>;
}

export interface RequestLogRetentionDeps {
  store: Pick<Store, "pruneRequests" | "pruneConversations">;
  logger: Logger;
  /** REQUEST_LOG_DAYS; 0 keeps every row and schedules nothing. */
  days: number;
  /** croner pattern; 6 fields allow seconds, which tests use. */
  pattern?: string;
  now?: () => number;
  /** Told about every finished run (tests await it). */
  onRun?: (deleted: number, trigger: RetentionTrigger) => void;
}

export function createRequestLogRetention({ store, logger, days, pattern = RETENTION_CRON, now = Date.now, onRun }: RequestLogRetentionDeps): RequestLogRetention {
  const singleFlight = createSingleFlight();
  let latest: Promise<number> = Promise.resolve(0);
  let job: Cron | null = null;

  function run(trigger: RetentionTrigger): Promise<number> {
    // 0 means keep forever: a cutoff of "now" would empty the log instead
    if (days <= 0) return Promise.resolve(0);
    latest = singleFlight("prune", async () => {
      const cutoff = now() - days * DAY_MS;
      const deleted = await store.pruneRequests(cutoff);
      const conversations = await store.pruneConversations(cutoff);
      logger.info("request log pruned", { trigger, days, deleted, conversations });
      onRun?.(deleted, trigger);
      return deleted;
    });
    return latest;
  }

  /** Scheduled runs report a failure in the log: nobody awaits them. */
  function runLogged(trigger: RetentionTrigger): Promise<number | null> {
    return run(trigger).catch((error: unknown) => {
      logger.error("request log prune failed", { trigger, error });
      return null;
    });
  }

  return {
    async start() {
      if (days <= 0 || job) return null;
      job = new Cron(pattern, { protect: true }, async () => {
        await runLogged("cron");
      });
      return runLogged("start");
    },
    runNow() {
      return run("manual");
    },
    nextRunAt() {
      return job?.nextRun() ?? null;
    },
    async stop() {
      job?.stop();
      job = null;
      await latest.catch(() => {});
    },
  };
}
