/** @module The two predicates that decide what follows a failed attempt, for either engine. */
import { expect, test } from "bun:test";
import { type AttemptOutcome, shouldFailover, shouldRetrySameCredential } from "./attempt-outcome.ts";

test.each<[AttemptOutcome, boolean, boolean]>([
  [{ type: "unauthorized" }, true, false],
  [{ type: "blocked", reason: "cloudflare" }, true, false],
  [{ type: "blocked", reason: "unusual-activity" }, true, true],
  [{ type: "blocked", reason: "pow-unsolved" }, true, true],
  [{ type: "capped", model: "gpt-4o", clearsInSec: 60 }, true, false],
  [{ type: "server-error", status: 502 }, true, true],
  [{ type: "client-error", status: 400 }, false, false],
])("%p: another account %p, the same credential again %p", (outcome, failover, retry) => {
  expect([shouldFailover(outcome), shouldRetrySameCredential(outcome)]).toEqual([failover, retry]);
});
