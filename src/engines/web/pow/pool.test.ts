import { describe, expect, test } from "bun:test";
import { VECTOR_CONFIG, VECTOR_SEED } from "./__fixtures__/vector-config.ts";
import { VECTOR_CONFIG_2026 } from "./__fixtures__/vector-config-2026.ts";
import { PowWorkerPool } from "./pool.ts";
import { PowWorkerError } from "./pow-worker-error.ts";
import { failureToken, solveProofOfWork } from "./solve.ts";
import { verifyProofOfWork } from "./verify.ts";

const crashingWorker = new URL("./__fixtures__/crashing-worker.ts", import.meta.url).href;
const missingWorker = new URL("./__fixtures__/missing-worker.ts", import.meta.url).href;
const queueWaitingWorker = new URL("./__fixtures__/queue-waiting-worker.ts", import.meta.url).href;
/** Sends every challenge to the workers, however easy: the tests of the pool's own machinery. */
const NO_INLINE = { sha3: 0, fnv: 0 };

describe("PowWorkerPool", () => {
  test("solves the §4.3 vector to the same token as the single-threaded solver", async () => {
    await using pool = new PowWorkerPool({ size: 1, inlineMaxExpectedAttempts: NO_INLINE });
    expect(await pool.solve({ seed: VECTOR_SEED, difficulty: "0fffff", config: VECTOR_CONFIG })).toEqual(solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG));
  });

  test("one pool serves both hashes at once: each answer verifies under its own hash only", async () => {
    await using pool = new PowWorkerPool({ size: 2, chunkSize: 500, inlineMaxExpectedAttempts: NO_INLINE });
    const seeds = ["0.11", "0.22", "0.33", "0.44"];
    const hashes = ["fnv", "sha3", "fnv", "sha3"] as const;
    const results = await Promise.all(seeds.map((seed, i) => pool.solve({ seed, difficulty: "0fff", config: VECTOR_CONFIG_2026, hash: hashes[i] })));
    expect(
      results.map((result, i) => [
        result.solved && verifyProofOfWork(seeds[i] as string, "0fff", result.token, hashes[i]),
        verifyProofOfWork(seeds[i] as string, "0fff", result.token, hashes[i] === "fnv" ? "sha3" : "fnv"),
      ]),
    ).toEqual(seeds.map(() => [true, false]));
  });

  test("an FNV solve that runs out ends with the 2026 failure token", async () => {
    await using pool = new PowWorkerPool({ size: 2, chunkSize: 64 });
    expect(await pool.solve({ seed: "0.5", difficulty: "00000000", config: VECTOR_CONFIG_2026, hash: "fnv", maxAttempts: 500 })).toEqual({
      solved: false,
      token: failureToken("0.5", "fnv"),
      attempts: 500,
    });
  });

  test("8 concurrent solves on 2 workers all come back solved and verified", async () => {
    await using pool = new PowWorkerPool({ size: 2, chunkSize: 500 });
    const seeds = Array.from({ length: 8 }, (_, i) => `0.${i + 1}23456789`);
    const results = await Promise.all(seeds.map((seed) => pool.solve({ seed, difficulty: "00ff", config: VECTOR_CONFIG })));
    expect(results.map((result, i) => result.solved && verifyProofOfWork(seeds[i] as string, "00ff", result.token))).toEqual(seeds.map(() => true));
  });

  test("a solve split over 3 workers returns the first answer of one worker's stripe k, k+3, k+6…", async () => {
    // One block of 3 × 100 000 nonces: each worker sweeps its stripe upwards, and the fastest stripe wins.
    await using pool = new PowWorkerPool({ size: 3, chunkSize: 100_000 });
    const [seed, difficulty] = ["0.777", "003f"];
    const split = await pool.solve({ seed, difficulty, config: VECTOR_CONFIG, maxAttempts: 300_000 });
    const stripeFirsts = [0, 1, 2].map((lane) => solveProofOfWork(seed, difficulty, VECTOR_CONFIG, { startNonce: lane, step: 3 }));
    const winner = stripeFirsts.find((first) => first.solved && split.solved && first.nonce === split.nonce);
    expect({ valid: verifyProofOfWork(seed, difficulty, split.token), token: split.token }).toEqual({ valid: true, token: winner?.token ?? "no stripe matches" });
  });

  test("an impossible difficulty within a small budget resolves unsolved, with the failure token and every attempt counted", async () => {
    await using pool = new PowWorkerPool({ size: 2, chunkSize: 64 });
    expect(await pool.solve({ seed: "0.5", difficulty: "000000000", config: VECTOR_CONFIG, maxAttempts: 1_000 })).toEqual({
      solved: false,
      token: failureToken("0.5"),
      attempts: 1_000,
    });
  });

  test("an easy solve queued behind a hard one finishes first (solves take turns)", async () => {
    await using pool = new PowWorkerPool({ size: 1, chunkSize: 200, inlineMaxExpectedAttempts: NO_INLINE });
    const order: string[] = [];
    const hard = pool.solve({ seed: "0.1", difficulty: "000000000", config: VECTOR_CONFIG, maxAttempts: 20_000 }).then(() => order.push("hard"));
    const easy = pool.solve({ seed: "0.2", difficulty: "7", config: VECTOR_CONFIG }).then(() => order.push("easy"));
    await Promise.all([hard, easy]);
    expect(order).toEqual(["easy", "hard"]);
  });

  test("a worker has its next chunk queued before it answers the one it works on", async () => {
    // the fixture answers a chunk only when the next one has arrived: four chunks of 100 nonces, then 50
    await using pool = new PowWorkerPool({ size: 1, chunkSize: 100, workerUrl: queueWaitingWorker, inlineMaxExpectedAttempts: NO_INLINE });
    expect(await pool.solve({ seed: "0.3", difficulty: "000000000", config: VECTOR_CONFIG, maxAttempts: 450 })).toEqual({
      solved: false,
      token: failureToken("0.3"),
      attempts: 450,
    });
  });

  test("maxAttempts left undefined means the default budget, not none", async () => {
    await using pool = new PowWorkerPool({ size: 1, inlineMaxExpectedAttempts: NO_INLINE });
    expect(await pool.solve({ seed: VECTOR_SEED, difficulty: "0fffff", config: VECTOR_CONFIG, maxAttempts: undefined })).toMatchObject({ solved: true, nonce: 10 });
  });

  test("requirementsToken is gAAAAAC + a 0fffff answer for the drawn seed", async () => {
    await using pool = new PowWorkerPool({ size: 1, random: () => 0.8118613382182117 });
    const token = await pool.requirementsToken(VECTOR_CONFIG);
    expect(token).toEqual(`gAAAAAC${solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG).token.slice(7)}`);
  });

  test("a non-hex difficulty is refused before any worker sees it", async () => {
    await using pool = new PowWorkerPool({ size: 1 });
    await expect(pool.solve({ seed: "0.1", difficulty: "xyz", config: VECTOR_CONFIG })).rejects.toThrow(TypeError);
  });

  test.each(["throw", "exit"])("a worker that crashes (%s) rejects its solve and is replaced, so the next solve works", async (seed) => {
    await using pool = new PowWorkerPool({ size: 1, workerUrl: crashingWorker, inlineMaxExpectedAttempts: NO_INLINE });
    const crashed = await pool.solve({ seed, difficulty: "0fffff", config: VECTOR_CONFIG }).catch((error: unknown) => error);
    const next = await pool.solve({ seed: VECTOR_SEED, difficulty: "0fffff", config: VECTOR_CONFIG });
    expect({ crashed: crashed instanceof PowWorkerError && crashed.message.startsWith("A proof-of-work worker crashed"), next }).toEqual({
      crashed: true,
      next: solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG),
    });
  });

  test("a crash fails only the solve the worker was on: another solve's chunk queued behind it is solved elsewhere", async () => {
    await using pool = new PowWorkerPool({ size: 1, chunkSize: 1_000, workerUrl: crashingWorker, inlineMaxExpectedAttempts: NO_INLINE });
    // one chunk each, so the worker holds the crashing solve's chunk and the other's queued behind it
    const crashing = pool.solve({ seed: "throw", difficulty: "0fffff", config: VECTOR_CONFIG, maxAttempts: 1_000 }).catch((error: unknown) => error);
    const queued = pool.solve({ seed: VECTOR_SEED, difficulty: "0fffff", config: VECTOR_CONFIG, maxAttempts: 1_000 });
    expect({ crashed: (await crashing) instanceof PowWorkerError, queued: await queued }).toEqual({
      crashed: true,
      queued: solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG, { maxAttempts: 1_000 }),
    });
  });

  test("a worker script that cannot start fails the solves instead of respawning forever", async () => {
    await using pool = new PowWorkerPool({ size: 1, workerUrl: missingWorker });
    await expect(pool.solve({ seed: "0.1", difficulty: "00ffff", config: VECTOR_CONFIG })).rejects.toThrow(PowWorkerError);
  });

  test("easy challenges and the requirements token are solved on the calling thread, to the solver's exact answers", async () => {
    // No worker of this pool can start, so every answer below came from the calling thread.
    await using pool = new PowWorkerPool({ size: 1, workerUrl: missingWorker, random: () => 0.8118613382182117 });
    const sha3 = [
      { seed: VECTOR_SEED, difficulty: "0fffff" },
      { seed: "0.25", difficulty: "07" },
    ];
    expect(await Promise.all(sha3.map((input) => pool.solve({ ...input, config: VECTOR_CONFIG })))).toEqual(
      sha3.map(({ seed, difficulty }) => solveProofOfWork(seed, difficulty, VECTOR_CONFIG)),
    );
    // FNV answers carry the milliseconds the solve took in slot 9, so they are checked by verifying them.
    const fnv = [
      { seed: "0.8118613382182117", difficulty: "0fffff" },
      { seed: "0.5", difficulty: "02" },
    ];
    const fnvResults = await Promise.all(fnv.map((input) => pool.solve({ ...input, config: VECTOR_CONFIG_2026, hash: "fnv" })));
    expect(fnvResults.map((result, i) => result.solved && verifyProofOfWork(fnv[i]?.seed ?? "", fnv[i]?.difficulty ?? "", result.token, "fnv"))).toEqual([true, true]);
    expect(await pool.requirementsToken(VECTOR_CONFIG)).toEqual(`gAAAAAC${solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG).token.slice(7)}`);
  });

  test("no worker starts until a challenge too hard for the calling thread arrives (idle memory)", async () => {
    const started: string[] = [];
    const RealWorker = globalThis.Worker;
    globalThis.Worker = class extends RealWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        started.push(String(url));
      }
    };
    try {
      await using pool = new PowWorkerPool({ size: 2 });
      await pool.solve({ seed: VECTOR_SEED, difficulty: "0fffff", config: VECTOR_CONFIG });
      await pool.requirementsToken(VECTOR_CONFIG);
      const afterEasy = started.length;
      const hard = await pool.solve({ seed: VECTOR_SEED, difficulty: "00ffff", config: VECTOR_CONFIG });
      // either striped worker may answer first, so the answer is verified rather than compared
      expect({ afterEasy, afterHard: started.length, valid: hard.solved && verifyProofOfWork(VECTOR_SEED, "00ffff", hard.token, "sha3") }).toEqual({ afterEasy: 0, afterHard: 2, valid: true });
    } finally {
      globalThis.Worker = RealWorker;
    }
  });

  test("close() rejects pending solves and later ones", async () => {
    const pool = new PowWorkerPool({ size: 1, chunkSize: 100 });
    const pending = pool.solve({ seed: "0.3", difficulty: "000000000", config: VECTOR_CONFIG }).catch((error: unknown) => error);
    await pool.close();
    const later = await pool.solve({ seed: "0.3", difficulty: "0f", config: VECTOR_CONFIG }).catch((error: unknown) => error);
    expect([await pending, later].map((error) => error instanceof PowWorkerError)).toEqual([true, true]);
  });

  test("close() ends the workers, so a process that used the pool exits by itself", async () => {
    const child = Bun.spawn([process.execPath, new URL("./__fixtures__/close-and-exit.ts", import.meta.url).pathname], { stdout: "pipe", stderr: "inherit" });
    expect({ exitCode: await child.exited, stdout: await new Response(child.stdout).text() }).toEqual({ exitCode: 0, stdout: '{"solved":true}\n' });
  });
});
