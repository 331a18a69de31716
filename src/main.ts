/**
 * @module Entry point: `--help`, `--healthcheck`, `login` (src/cli/login.ts), configuration, start, graceful shutdown on SIGTERM/SIGINT (systemd,
 * Ctrl-C). Exit codes: 0 after a clean stop, 2 for a configuration error (a bad value, a HOST or privileged PORT that
 * cannot be bound, a DATA_DIR or database that cannot be written, DATABASE_URL credentials refused), 1 for the rest
 * (a port in use, a database not reachable yet, anything unforeseen), which a supervisor may retry.
 */
// only what --help and --version need is loaded up front; the server and its dependencies after them (issue 12)
import { type Config, ConfigError, configHelp, loadConfig, settingNames } from "./config.ts";
import { fetchCapOf, fetchCapWarning } from "./engines/web/fetch-cap.ts";
import { applyStartupSettings } from "./startup-settings.ts";
import { VERSION } from "./version.ts";

const argv = process.argv.slice(2);
const healthcheck = argv.includes("--healthcheck");
const login = argv[0] === "login";
const args = argv.filter((arg, index) => arg !== "--healthcheck" && !(login && index === 0));
if (args.includes("--help") || args.includes("-h")) {
  console.log(
    `chat2api ${VERSION}\n\n${configHelp()}\n\n--healthcheck asks the server running with these settings for /healthz: exit 0 on 200, else 1.` +
      "\n`chat2api login` signs a Codex account in with a device code and stores it in DATABASE_URL's pool.",
  );
  process.exit(0);
}
if (args.includes("--version")) {
  console.log(VERSION);
  process.exit(0);
}

async function configOrExit(): Promise<Readonly<Config>> {
  try {
    return loadConfig(process.env, args);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`chat2api: ${error.message}`);
    const { EXIT_CONFIG } = await import("./startup-failure.ts");
    return process.exit(EXIT_CONFIG);
  }
}

const config = await configOrExit();
if (login) {
  const { runLogin } = await import("./cli/login.ts");
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  process.exit(await runLogin({ config, print: (line) => console.log(line), signal: controller.signal }));
}
if (healthcheck) {
  const { checkHealth } = await import("./healthcheck.ts");
  const { ok, detail } = await checkHealth(config);
  console.log(`chat2api healthcheck: ${detail}`);
  process.exit(ok ? 0 : 1);
}
// before anything fetches or compiles: Bun and JavaScriptCore read these only at process start, so the process restarts
// itself with them set, and before the server's modules load, so that restart does not load them twice
applyStartupSettings(process);
const [{ createLogger }, { startServer }, { explainStartupFailure }, { describeUnknownSetting, findUnknownSettings }, { startIdleMemoryTrim }, { startBusyCollection }, { releaseTokenizers }] = await Promise.all([
  import("./logger.ts"),
  import("./server.ts"),
  import("./startup-failure.ts"),
  import("./unknown-settings.ts"),
  import("./memory/idle-trim.ts"),
  import("./memory/busy-collection.ts"),
  import("./translate/token-counter.ts"),
]);
const logger = createLogger({ level: config.logLevel, format: config.logFormat });
const capWarning = fetchCapWarning(config.maxUpstreamStreams, process.env);
if (capWarning) logger.warn(capWarning);
for (const unknown of findUnknownSettings(Object.keys(process.env), settingNames())) logger.warn(describeUnknownSetting(unknown));
// the process's memory, so the process's entry point: garbage collected while busy, and handed back after a burst
let wakeCollector = (): void => {};
const server = await startServer(config, { logger, onRequest: () => wakeCollector() }).catch((error: unknown) => {
  const { message, exitCode } = explainStartupFailure(error, config);
  logger.error(`chat2api could not start: ${message}`);
  process.exit(exitCode);
});
// the binary starts with JIT tier-up 16 times more reluctant (package.json's build, --compile-jit-policy): start-up
// code runs once, and compiling it took the cores the start needs (bench/RESULTS.md, fourteenth session). Requests
// are what runs again and again: from the port's opening, the normal policy. From source it is already normal.
Bun.unsafe.setJITPolicy(1);
const pending = () => server.pendingRequests();
wakeCollector = startBusyCollection({ pending }).wake;
startIdleMemoryTrim({
  pending,
  release: () => {
    releaseTokenizers();
    void server.runtime.store.releaseMemory();
  },
});
logger.info(`chat2api ${VERSION} listening on ${server.url}`, {
  bind: `${config.host}:${server.port}`,
  prefix: config.apiPrefix ? "(set)" : null,
  upstream: config.chatgptBaseUrls,
  powWorkers: config.powWorkers,
  streams: { max: config.maxUpstreamStreams, perAccount: config.maxStreamsPerAccount, fetchCap: fetchCapOf(process.env) },
  pool: config.authorizationKeys.length > 0 ? "enabled" : "no AUTHORIZATION keys",
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info(`${signal}: shutting down`);
  // replies in flight get a moment to finish (systemd waits 90 s by default before it kills)
  await server.stop({ graceMs: 20_000 });
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
