/**
 * Guards a start-up gain that only a CPU profile of the binary would otherwise show lost (bench/RESULTS.md, thirteenth
 * session): nothing the server loads at start may build Node's stream classes, 8–20 ms of a ~150 ms start and ~2 MiB
 * of idle memory. The first use of `process.stdout`/`process.stderr` builds them, and so does importing `node:tty`,
 * `node:net`, `node:dns` or `node:crypto` (and, by the same machinery, `node:stream`, `node:http`, `node:zlib`…).
 * What a request needs of those is imported where it is used, on the first request that needs it.
 */
import { expect, test } from "bun:test";
import { isBuiltin } from "node:module";
import { dirname, extname, join, relative } from "node:path";

const SRC = import.meta.dir;
const ROOT = dirname(SRC);
/** Builtins the start is measured with: Bun implements them natively, without the stream classes. */
const CHEAP_BUILTINS = new Set(["fs", "path", "os", "url", "buffer"]);
/** main.ts's subcommands exit before the server starts: what they load is not on the start path. */
const SUBCOMMANDS = new Set(["./cli/login.ts", "./healthcheck.ts"]);
/** Its fallback for a runtime without the tty binding; Bun's path never reaches it (terminal.test.ts). */
const STDIO_ALLOWED = new Set(["src/terminal.ts"]);
const CODE = new Set([".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx"]);

type Loader = "ts" | "tsx" | "js" | "jsx";
const loaderOf = (file: string): Loader => {
  const extension = extname(file);
  return extension === ".ts" || extension === ".tsx" || extension === ".jsx" ? (extension.slice(1) as Loader) : "js";
};

interface StartGraph {
  modules: string[];
  /** builtin → the modules that import it at start */
  builtins: Map<string, string[]>;
  /** modules whose code (comments aside) names process.stdout or process.stderr */
  stdio: string[];
}

/** Every module loaded at start: main.ts, what it imports when it starts the server, and their static imports. */
async function startGraph(): Promise<StartGraph> {
  const main = join(SRC, "main.ts");
  const dynamic = new Bun.Transpiler({ loader: "ts" })
    .scanImports(await Bun.file(main).text())
    .filter((entry) => entry.kind === "dynamic-import" && !SUBCOMMANDS.has(entry.path))
    .map((entry) => Bun.resolveSync(entry.path, SRC));
  const queue = [main, ...dynamic];
  const seen = new Set<string>();
  const graph: StartGraph = { modules: [], builtins: new Map(), stdio: [] };
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file) || !CODE.has(extname(file))) continue;
    seen.add(file);
    const name = relative(ROOT, file);
    graph.modules.push(name);
    const transpiler = new Bun.Transpiler({ loader: loaderOf(file) });
    const source = await Bun.file(file).text();
    if (/\bprocess\.(stdout|stderr)\b/.test(transpiler.transformSync(source))) graph.stdio.push(name);
    for (const entry of transpiler.scanImports(source)) {
      if (entry.kind === "dynamic-import" || entry.kind === "require-resolve") continue;
      if (entry.path === "bun" || entry.path.startsWith("bun:")) continue;
      if (isBuiltin(entry.path)) {
        const builtin = entry.path.replace(/^node:/, "");
        graph.builtins.set(builtin, [...(graph.builtins.get(builtin) ?? []), name]);
        continue;
      }
      queue.push(Bun.resolveSync(entry.path, dirname(file)));
    }
  }
  return graph;
}

const graph = await startGraph();

test("the start path is found: the server and its dependencies, not only main.ts", () => {
  expect(graph.modules).toContain("src/server.ts");
  expect(graph.modules).toContain("src/app.ts");
  expect(graph.modules.some((name) => name.startsWith("node_modules/elysia/"))).toBe(true);
  expect(graph.modules).not.toContain("src/cli/login.ts");
});

test("nothing loaded at start imports a builtin that builds Node's stream classes", () => {
  const costly = [...graph.builtins].filter(([builtin]) => !CHEAP_BUILTINS.has(builtin));
  // a module that needs one imports it where it is used: `await import(…)` on the first request that needs it
  expect(Object.fromEntries(costly)).toEqual({});
});

test("nothing loaded at start touches process.stdout or process.stderr", () => {
  // log lines go through src/log-sink.ts, the terminal check through src/terminal.ts
  expect(graph.stdio.filter((name) => !STDIO_ALLOWED.has(name))).toEqual([]);
});
