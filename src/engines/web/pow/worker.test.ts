import { afterAll, describe, expect, test } from "bun:test";
import { VECTOR_CONFIG, VECTOR_SEED } from "./__fixtures__/vector-config.ts";
import { VECTOR_CONFIG_2026 } from "./__fixtures__/vector-config-2026.ts";
import type { PowChunkMessage, PowWorkerResponse } from "./messages.ts";
import { solveProofOfWork } from "./solve.ts";
import { verifyProofOfWork } from "./verify.ts";

const worker = new Worker(new URL("./worker.ts", import.meta.url).href);
const cancelBuffer = new SharedArrayBuffer(4);
const cancel = new Int32Array(cancelBuffer);
worker.postMessage({ type: "init", cancel: cancelBuffer });
afterAll(() => worker.terminate());

type ChunkInput = Omit<PowChunkMessage, "type" | "seed" | "config" | "hash" | "startedAt"> & Partial<Pick<PowChunkMessage, "seed" | "config" | "hash" | "startedAt">>;

const run = (chunk: ChunkInput) =>
  new Promise<PowWorkerResponse>((resolve) => {
    worker.addEventListener("message", (event: MessageEvent<PowWorkerResponse>) => resolve(event.data), { once: true });
    worker.postMessage({ type: "chunk", seed: VECTOR_SEED, config: VECTOR_CONFIG, hash: "sha3", startedAt: Date.now(), ...chunk } satisfies PowChunkMessage);
  });

describe("the pow worker", () => {
  test("answers a chunk with the first accepted nonce of its stride and the token", async () => {
    const expected = solveProofOfWork(VECTOR_SEED, "0fffff", VECTOR_CONFIG, { startNonce: 2, step: 4 });
    expect(await run({ jobId: 1, difficulty: "0fffff", startNonce: 2, step: 4, count: 1_000 })).toEqual({
      type: "found",
      jobId: 1,
      nonce: expected.solved ? expected.nonce : -1,
      token: expected.token,
      attempts: expected.attempts,
    });
  });

  test("solves with the hash the chunk names: an FNV chunk answers a ~S token that verifies under FNV", async () => {
    const answer = await run({ jobId: 5, hash: "fnv", config: VECTOR_CONFIG_2026, difficulty: "0fffff", startNonce: 0, step: 1, count: 1_000 });
    expect(answer.type === "found" && answer.token.endsWith("~S") && verifyProofOfWork(VECTOR_SEED, "0fffff", answer.token, "fnv")).toBe(true);
  });

  test("reports every attempt of a chunk without an answer", async () => {
    expect(await run({ jobId: 2, difficulty: "000000000", startNonce: 0, step: 1, count: 700 })).toEqual({ type: "not-found", jobId: 2, attempts: 700 });
  });

  test("stops a chunk of the job named in the cancel cell before trying anything", async () => {
    Atomics.store(cancel, 0, 3);
    expect(await run({ jobId: 3, difficulty: "000000000", startNonce: 0, step: 1, count: 10_000_000 })).toEqual({ type: "not-found", jobId: 3, attempts: 0 });
  });

  test("answers a bad difficulty with a failure instead of dying", async () => {
    expect(await run({ jobId: 4, difficulty: "zz", startNonce: 0, step: 1, count: 10 })).toEqual({
      type: "failed",
      jobId: 4,
      message: "A proof-of-work difficulty must be a hex string.",
    });
  });
});
