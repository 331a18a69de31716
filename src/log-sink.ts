/**
 * @module Where log lines go: standard error, written with blocking writes in batches. Bun's `process.stderr.write`
 * queues writes to a pipe in memory, and a process killed under load took most of its recent access lines with it;
 * here a line waits at most one interval before it reaches the file descriptor, so a crash loses under a second.
 */
import { writeSync } from "node:fs";

export interface LogSink {
  write(line: string): void;
  /** Writes everything queued now; the process may die right after. */
  flush(): void;
}

export interface LogSinkOptions {
  fd?: number;
  intervalMs?: number;
  /** Lines queued beyond this many bytes are dropped (a stuck reader must not grow memory without bound). */
  maxQueuedBytes?: number;
  write?: (fd: number, text: string) => number;
}

export function createLogSink({ fd = 2, intervalMs = 200, maxQueuedBytes = 8 * 1024 * 1024, write = writeSync }: LogSinkOptions = {}): LogSink {
  let queued: string[] = [];
  let queuedBytes = 0;
  let dropped = 0;
  let timer: ReturnType<typeof setInterval> | null = null;

  function flush(): void {
    if (dropped > 0) {
      queued.unshift(`{"level":"warn","msg":"${dropped} log lines dropped: standard error was not being read"}`);
      dropped = 0;
    }
    if (queued.length === 0) return;
    let text = `${queued.join("\n")}\n`;
    queued = [];
    queuedBytes = 0;
    while (text.length > 0) {
      try {
        const written = write(fd, text);
        // writeSync counts bytes; text may hold multi-byte characters, so cut by bytes
        text = Buffer.from(text).subarray(written).toString();
      } catch (error) {
        // a non-blocking descriptor that is full: keep the rest for the next tick
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
          queued = [text.replace(/\n$/, "")];
          queuedBytes = text.length;
          return;
        }
        return;
      }
    }
  }

  return {
    write(line) {
      if (queuedBytes + line.length > maxQueuedBytes) {
        dropped++;
        return;
      }
      queued.push(line);
      queuedBytes += line.length + 1;
      if (timer === null) {
        timer = setInterval(flush, intervalMs);
        // the interval must never keep a finished process alive
        timer.unref();
        process.once("exit", flush);
      }
    },
    flush,
  };
}

let stderrSink: LogSink | null = null;

/** The process's one sink on standard error. */
export function stderrLogSink(): LogSink {
  stderrSink ??= createLogSink();
  return stderrSink;
}
