/** @module The stderr sink: batched blocking writes, nothing lost on a flush, bounded when nobody reads. */
import { expect, test } from "bun:test";
import { createLogSink } from "./log-sink.ts";

function capture() {
  const chunks: string[] = [];
  return { chunks, write: (_fd: number, text: string) => (chunks.push(text), Buffer.byteLength(text)) };
}

test("lines are queued and written together, one per line, on flush", () => {
  const out = capture();
  const sink = createLogSink({ write: out.write, intervalMs: 60_000 });
  sink.write("a");
  sink.write("ü");
  expect(out.chunks).toEqual([]);
  sink.flush();
  expect(out.chunks).toEqual(["a\nü\n"]);
});

test("the interval writes queued lines without a flush call", async () => {
  const out = capture();
  const sink = createLogSink({ write: out.write, intervalMs: 5 });
  sink.write("tick");
  while (out.chunks.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(out.chunks).toEqual(["tick\n"]);
});

test("a partial write goes on with the rest", () => {
  const chunks: string[] = [];
  const sink = createLogSink({ write: (_fd, text) => (chunks.push(text), Math.min(3, Buffer.byteLength(text))), intervalMs: 60_000 });
  sink.write("abcdefg");
  sink.flush();
  expect(chunks.join("").length).toBeGreaterThan(0);
  expect(chunks.map((c) => c.slice(0, 3)).join("")).toBe("abcdefg\n");
});

test("a full non-blocking descriptor keeps the rest for later", () => {
  let full = true;
  const written: string[] = [];
  const sink = createLogSink({
    intervalMs: 60_000,
    write: (_fd, text) => {
      if (full) throw Object.assign(new Error("EAGAIN"), { code: "EAGAIN" });
      written.push(text);
      return Buffer.byteLength(text);
    },
  });
  sink.write("kept");
  sink.flush();
  full = false;
  sink.flush();
  expect(written).toEqual(["kept\n"]);
});

test("a reader that never reads costs bounded memory: lines past the bound are dropped and counted", () => {
  const out = capture();
  const sink = createLogSink({ write: out.write, intervalMs: 60_000, maxQueuedBytes: 100 });
  for (let i = 0; i < 50; i++) sink.write("0123456789");
  sink.flush();
  const lines = out.chunks.join("").trimEnd().split("\n");
  expect(lines[0]).toContain("log lines dropped");
  expect(lines.length).toBeLessThan(12);
});
