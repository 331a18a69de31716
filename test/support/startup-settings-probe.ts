/**
 * Run as its own process by startup-settings.test.ts: applies the start-up settings the way main.ts does, then counts
 * how many of `PROBE_REQUESTS` fetches reach a server that holds every request (what Bun's fetch cap lets through),
 * and prints one JSON line.
 */
import { applyStartupSettings } from "../../src/startup-settings.ts";

const startPid = process.env.PROBE_FIRST_PID ?? String(process.pid);
if (process.env.PROBE_APPLY === "1") {
  process.env.PROBE_FIRST_PID = startPid;
  applyStartupSettings(process);
}
const total = Number(process.env.PROBE_REQUESTS ?? "300");
let arrived = 0;
const release = Promise.withResolvers<void>();
const allArrived = Promise.withResolvers<void>();
using server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch() {
    if (++arrived === total) allArrived.resolve();
    await release.promise;
    return new Response("ok");
  },
});
const requests = Array.from({ length: total }, () => fetch(`http://127.0.0.1:${server.port}/`).then((r) => r.text()));
// every request arrives at once unless Bun queues some: then the count stops at the cap, and the timeout ends the wait
let timer: ReturnType<typeof setTimeout> | undefined;
await Promise.race([allArrived.promise, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
clearTimeout(timer);
const seen = arrived;
release.resolve();
await Promise.all(requests);
console.log(
  JSON.stringify({
    arrived: seen,
    cap: process.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? null,
    ftl: process.env.BUN_JSC_useFTLJIT ?? null,
    samePid: startPid === String(process.pid),
    argv: process.argv.slice(2),
  }),
);
