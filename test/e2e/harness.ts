/**
 * @module End-to-end harness: a strict emulator of the ChatGPT backend, chat2api started against it on port 0, and
 * the official `openai` SDK pointed at chat2api. Everything is torn down by `await using`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { createLogger } from "../../src/logger.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { type Emulator, type EmulatorOptions, startEmulator } from "../emulator/index.ts";
import { emulatorGenerationOptions } from "../support/web-generation.ts";
import { e2eConfig } from "./test-config.ts";

export interface Harness extends AsyncDisposable {
  emulator: Emulator;
  server: RunningServer;
  /** Every log line chat2api wrote, for secret greps. */
  logs: string[];
  /** The `openai` SDK against chat2api, no retries so failures show as they are. */
  client(apiKey?: string): OpenAI;
  /** Raw fetch against chat2api (path relative to the server root). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export interface HarnessOptions {
  /** chat2api's environment; a function receives the emulator (for its solver URLs). */
  env?: Record<string, string> | ((emulator: Emulator) => Record<string, string>);
  emulator?: EmulatorOptions;
  /** The server's per-request hook (main.ts wakes its busy collection with it). */
  onRequest?: () => void;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ ...emulatorGenerationOptions(), ...options.emulator });
  const dataDir = mkdtempSync(join(tmpdir(), "chat2api-e2e-"));
  const config = e2eConfig(emulator, dataDir, typeof options.env === "function" ? options.env(emulator) : options.env);
  const logs: string[] = [];
  const logger = createLogger({ level: config.logLevel, format: "json", write: (line) => logs.push(line) });
  const server = await startServer(config, { logger, ...(options.onRequest ? { onRequest: options.onRequest } : {}) });
  const prefix = config.apiPrefix ? `/${config.apiPrefix}` : "";
  const close = async (): Promise<void> => {
    await server.stop();
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    emulator,
    server,
    logs,
    client: (apiKey = "anonymous") => new OpenAI({ baseURL: `${server.url}${prefix}/v1`, apiKey, maxRetries: 0, timeout: 20_000 }),
    fetch: (path, init) => fetch(`${server.url}${path}`, init),
    [Symbol.asyncDispose]: close,
  };
}

/** A POST of a JSON (or raw) body with an optional bearer. */
export function post(body: unknown, apiKey?: string): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}
