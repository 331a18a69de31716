/**
 * @module Entry point: `--help`, configuration, start, graceful shutdown on SIGTERM/SIGINT (systemd, Ctrl-C).
 */
import { type Config, ConfigError, configHelp, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { startServer, VERSION } from "./server.ts";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`chat2api ${VERSION}\n\n${configHelp()}`);
  process.exit(0);
}
if (args.includes("--version")) {
  console.log(VERSION);
  process.exit(0);
}

function configOrExit(): Readonly<Config> {
  try {
    return loadConfig(process.env, args);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`chat2api: ${error.message}`);
    return process.exit(2);
  }
}

const config = configOrExit();
const logger = createLogger({ level: config.logLevel, format: config.logFormat });
const server = await startServer(config, { logger }).catch((error: unknown) => {
  logger.error(`chat2api could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
logger.info(`chat2api ${VERSION} listening on ${server.url}`, {
  bind: `${config.host}:${server.port}`,
  prefix: config.apiPrefix ? "(set)" : null,
  upstream: config.chatgptBaseUrls,
  powWorkers: config.powWorkers,
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
