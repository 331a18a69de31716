/**
 * @module chat2api with the pool's management modules, as a child process for the SIGKILL test: configured from the
 * environment like main.ts, it prints `listening <url>` once it serves.
 */
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { managementModules } from "../../src/modules/admin/management-modules.ts";
import { startServer } from "../../src/server.ts";

const config = loadConfig(process.env);
const logger = createLogger({ level: "warn", format: "json", write: (line) => process.stderr.write(`${line}\n`) });
const server = await startServer(config, { logger, extraModules: (runtime) => managementModules(config, runtime) });
process.stdout.write(`listening ${server.url}\n`);
