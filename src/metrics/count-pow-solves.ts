/** @module Counts the conversation proof-of-work solves of a PowSolver, by wrapping it: the solver stays unaware. */
import type { PowSolver } from "../engines/web/client.ts";
import type { Metrics } from "./metrics.ts";

export function countPowSolves(solver: PowSolver, metrics: Pick<Metrics, "countPowSolve">): PowSolver {
  return {
    async solve(input) {
      let solved = false;
      try {
        const result = await solver.solve(input);
        solved = result.solved;
        return result;
      } finally {
        // a solver that failed (its workers gone) solved nothing either
        metrics.countPowSolve(solved);
      }
    },
    requirementsToken: (config) => solver.requirementsToken(config),
  };
}
