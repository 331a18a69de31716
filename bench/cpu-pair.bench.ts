/**
 * @module CPU per request of two servers measured in turns (issue 12): `bun bench/cpu-pair.bench.ts A B [--rounds N]
 * [--requests N] [--warmup N] [--difficulty HEX] [--generation 2024|2026] [--upstream emulator|stub]`, where A and B are
 * compiled servers (`npm run build`, or the floor of `upstream-floor-server.ts`), the generation is the emulator's
 * (server-pair.ts), and `--upstream stub` puts bench/upstream-stub.ts in the emulator's place (2024 only): the
 * emulator's own CPU a chat keeps two cores busy, the stub's much less. `--pin` runs both servers on the first core and
 * the upstream and the load on the second, so a server's figure is not what it pays for sharing its core with them.
 *
 * On a machine whose cores are shared, the CPU a chat costs drifts by a third from one minute to the next (the
 * ninth session's runs of one binary: 0.72–1.19 ms), more than most changes move it, so two binaries measured one
 * after the other tell little. Here both run at once against one emulator and take turns: every round sends
 * `--requests` non-stream chats at c=16 to each (which goes first alternates), and each round gives the difference
 * B − A under nearly the same conditions. The table gives each one's median and the median of the differences with
 * their range. Both warm up first, in turns as well (`--warmup`, 25 000 by default: the JIT compiles for that long,
and a server quiet for 30 s would have its idle trim drop the compiled code).
 */
import { loadavg } from "node:os";
import { readFileSync } from "node:fs";
import { argument, cpuMs, load, median, threadCpuMs, threadShares } from "./load.ts";
import { generationArgument, startServerPair, twoBinaries, upstreamArgument } from "./server-pair.ts";

const USAGE = "bun bench/cpu-pair.bench.ts BINARY_A BINARY_B [--rounds N] [--requests N] [--warmup N] [--difficulty HEX] [--generation 2024|2026] [--upstream emulator|stub] [--pin]";
const binaries = twoBinaries(USAGE);
const rounds = Number(argument("--rounds") ?? 10);
const requests = Number(argument("--requests") ?? 2000);
const warmup = Number(argument("--warmup") ?? 25_000);
const difficulty = argument("--difficulty") ?? "0fffff";
/** The emulator's web generation: 2026 is a plus account's chat in four calls, 2024 a no-login one in two (server-pair.ts). */
const generation = generationArgument(argument("--generation"), USAGE);
const upstream = upstreamArgument(argument("--upstream"), generation, USAGE);
const pin = process.argv.includes("--pin");

const pair = startServerPair(binaries, {
  port: 5346,
  generation,
  upstream,
  pin,
  emulatorEnv: { EMULATOR_POW_DIFFICULTY: difficulty },
  serverEnv: { POW_WORKERS: "2", MAX_STREAMS_PER_ACCOUNT: "256" },
});
const servers = pair.servers.map((server) => ({ ...server, cpu: [] as number[], threads: "" }));

try {
  await pair.ready();
  // in turns too: a server left alone for 30 s would have its idle trim drop its compiled code before the rounds
  for (let done = 0; done < warmup; done += requests) for (const server of servers) await load(server.chat, Math.min(requests, warmup - done), 16);
  const differences: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) {
      const pid = server.process.pid;
      const before = cpuMs(pid);
      const threadsBefore = threadCpuMs(pid);
      await load(server.chat, requests, 16);
      server.cpu.push((cpuMs(pid) - before) / requests);
      server.threads = threadShares(threadsBefore, threadCpuMs(pid), requests, readFileSync(`/proc/${pid}/comm`, "utf8").trim());
    }
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    differences.push((b.cpu.at(-1) as number) - (a.cpu.at(-1) as number));
    console.log(`round ${round + 1} (load ${loadavg()[0]?.toFixed(1)}): ${a.name} ${a.cpu.at(-1)?.toFixed(3)}, ${b.name} ${b.cpu.at(-1)?.toFixed(3)} ms/chat`);
    console.log(`  by thread: ${a.name} ${a.threads}; ${b.name} ${b.threads}`);
  }
  const sorted = [...differences].sort((x, y) => x - y);
  const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
  console.log(`\nweb generation ${generation}, difficulty ${difficulty}, upstream: ${upstream === "stub" ? "bench/upstream-stub.ts" : "the emulator"}${pin ? ", servers on CPU 0, upstream and load on CPU 1" : ""}`);
  console.log(`\n| A | B | A ms/chat, median | B ms/chat, median | B − A, median (range) | rounds × chats |\n|---|---|---|---|---|---|`);
  console.log(`| ${a.name} | ${b.name} | ${median(a.cpu).toFixed(3)} | ${median(b.cpu).toFixed(3)} | ${median(differences) >= 0 ? "+" : ""}${median(differences).toFixed(3)} (${sorted[0]?.toFixed(3)} … ${sorted.at(-1)?.toFixed(3)}) | ${rounds} × ${requests} |`);
} finally {
  await pair.stop();
}
