import { expect, test } from "bun:test";
import { createWriteBehind, RowDropped } from "./write-behind.ts";

test("rows of a few milliseconds are written in one batch; each row's promise settles with its batch", async () => {
  const batches: number[][] = [];
  const queue = createWriteBehind<number>({ write: (rows) => void batches.push(rows), delayMs: 1 });
  const settled = [1, 2, 3].map((row) => queue.add(row));
  expect(batches).toEqual([]);
  await Promise.all(settled);
  expect(batches).toEqual([[1, 2, 3]]);
});

test("a full batch is written by a synchronous writer before add returns: the queue never holds more", () => {
  const batches: number[][] = [];
  const queue = createWriteBehind<number>({ write: (rows) => void batches.push(rows), delayMs: 60_000, batchRows: 3 });
  for (let row = 1; row <= 7; row++) void queue.add(row);
  expect(batches).toEqual([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  return queue.flush().then(() => expect(batches.at(-1)).toEqual([7]));
});

test("an asynchronous writer writes one batch at a time; rows arriving meanwhile form the next", async () => {
  const writes: Array<{ rows: number[]; done: () => void }> = [];
  const queue = createWriteBehind<number>({ write: (rows) => new Promise<void>((done) => writes.push({ rows, done })), batchRows: 2 });
  void queue.add(1);
  const second = queue.add(2);
  const third = queue.add(3);
  void queue.add(4);
  void queue.add(5);
  expect(writes.map((write) => write.rows)).toEqual([[1, 2]]);
  writes[0]?.done();
  await second;
  expect(writes.map((write) => write.rows)).toEqual([[1, 2], [3, 4, 5]]);
  writes[1]?.done();
  await third;
});

test("behind a slow writer the queue is bounded: rows past maxPending are dropped and counted, the rest written", async () => {
  const writes: Array<{ rows: number[]; done: () => void }> = [];
  const queue = createWriteBehind<number>({ write: (rows) => new Promise<void>((done) => writes.push({ rows, done })), batchRows: 2, maxPending: 4 });
  const outcomes = [1, 2, 3, 4, 5, 6].map((row) => queue.add(row).then(() => "written", (error: unknown) => (error instanceof RowDropped ? "dropped" : "failed")));
  expect(queue.dropped).toBe(2);
  writes[0]?.done();
  await outcomes[1];
  writes[1]?.done();
  await queue.flush();
  expect(await Promise.all(outcomes)).toEqual(["written", "written", "written", "written", "dropped", "dropped"]);
  expect(writes.map((write) => write.rows)).toEqual([[1, 2], [3, 4]]);
  // room again once written
  const later = queue.add(7);
  const flushed = queue.flush();
  writes[2]?.done();
  await Promise.all([later, flushed]);
  expect(queue.dropped).toBe(2);
});

test("flush writes what waits without waiting for the delay", async () => {
  const written: number[] = [];
  const queue = createWriteBehind<number>({ write: (rows) => void written.push(...rows), delayMs: 60_000 });
  for (let row = 1; row <= 5; row++) void queue.add(row);
  await queue.flush();
  expect(written).toEqual([1, 2, 3, 4, 5]);
});

test("a failed write rejects the rows of its batch only", async () => {
  let calls = 0;
  const queue = createWriteBehind<number>({
    write: () => {
      calls++;
      if (calls === 1) throw new Error("disk full");
    },
    batchRows: 2,
  });
  const first = [queue.add(1), queue.add(2)].map((settled) => settled.then(() => "written", (error: Error) => error.message));
  const second = queue.add(3);
  await queue.flush();
  expect(await Promise.all(first)).toEqual(["disk full", "disk full"]);
  await second;
});
