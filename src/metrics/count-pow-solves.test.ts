/** @module Counting proof-of-work solves by wrapping the solver: results pass through, each solve counted once. */
import { expect, test } from "bun:test";
import type { PowSolver } from "../engines/web/client.ts";
import { countPowSolves } from "./count-pow-solves.ts";

const config = [] as unknown as Parameters<PowSolver["requirementsToken"]>[0];
const input = { seed: "0.42", difficulty: "0fffff", config };

test("solved, unsolved and failed solves are counted as such; answers and errors pass through", async () => {
  const results: boolean[] = [];
  const answers = [{ solved: true, token: "gAAAAAB-one" }, { solved: false, token: "gAAAAABwQ8Lk5FbGpA2NcR" }];
  const solver: PowSolver = {
    solve: async () => {
      const next = answers.shift();
      if (!next) throw new Error("workers gone");
      return next;
    },
    requirementsToken: async () => "gAAAAAC-requirements",
  };
  const counted = countPowSolves(solver, { countPowSolve: (solved) => results.push(solved) });
  expect(await counted.solve(input)).toEqual({ solved: true, token: "gAAAAAB-one" });
  expect(await counted.solve(input)).toEqual({ solved: false, token: "gAAAAABwQ8Lk5FbGpA2NcR" });
  await expect(counted.solve(input)).rejects.toThrow("workers gone");
  expect(await counted.requirementsToken(config)).toBe("gAAAAAC-requirements");
  expect(results).toEqual([true, false, false]);
});
