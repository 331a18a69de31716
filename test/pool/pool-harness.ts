/**
 * @module Pool end-to-end harness: the emulator, chat2api on port 0 (management API included), a data directory that survives `restart()`, and captured log lines for secret greps.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../../src/logger.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { type Emulator, startEmulator } from "../emulator/index.ts";
import { e2eConfig } from "../e2e/test-config.ts";
import { emulatorGenerationOptions } from "../support/web-generation.ts";

export const POOL_KEY = "sk-pool-e2e-0123456789";
export const ADMIN_KEY = "admin-e2e-0123456789";

export interface PoolHarness extends AsyncDisposable {
  emulator: Emulator;
  server: RunningServer;
  logs: string[];
  dataDir: string;
  /** Stops chat2api and starts it again on the same data directory (a restart). */
  restart(env?: Record<string, string>): Promise<void>;
  /** A chat completion through chat2api (non-stream) with the given bearer. */
  chat(model: string, bearer?: string): Promise<Response>;
  /** The JSON management API with the admin key. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /** Emulator account ids of the conversation requests logged since `from`, in order. */
  servedBy(from?: number): string[];
}

export async function startPoolHarness(env: Record<string, string> = {}): Promise<PoolHarness> {
  const emulator = await startEmulator(emulatorGenerationOptions());
  const dataDir = mkdtempSync(join(tmpdir(), "chat2api-pool-e2e-"));
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", format: "json", write: (line) => logs.push(line) });
  const start = async (extra: Record<string, string>): Promise<RunningServer> => {
    const config = e2eConfig(emulator, dataDir, { POW_WORKERS: "1", AUTHORIZATION: POOL_KEY, ADMIN_KEY, RETRY_TIMES: "3", ...env, ...extra });
    return startServer(config, { logger });
  };
  let server = await start({});
  const harness: PoolHarness = {
    emulator,
    get server() {
      return server;
    },
    logs,
    dataDir,
    async restart(extra = {}) {
      await server.stop();
      server = await start(extra);
    },
    chat(model, bearer = POOL_KEY) {
      return fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "hello pool" }] }),
      });
    },
    admin(method, path, body) {
      return fetch(`${server.url}/admin/api${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
    servedBy(from = 0) {
      return emulator.log.slice(from).filter((e) => e.path.endsWith("/conversation") && e.method === "POST").map((e) => `${e.account}:${e.status}`);
    },
    async [Symbol.asyncDispose]() {
      await server.stop();
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
