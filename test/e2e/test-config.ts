/** @module The Config every end-to-end test starts chat2api with: port 0 on loopback, the emulator as upstream and OAuth host. */
import { type Config, loadConfig } from "../../src/config.ts";
import type { Emulator } from "../emulator/index.ts";

export function e2eConfig(emulator: Emulator, dataDir: string, env: Record<string, string> = {}): Readonly<Config> {
  return loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    CHATGPT_BASE_URL: emulator.url,
    AUTH_BASE_URL: emulator.url,
    DATA_DIR: dataDir,
    POW_WORKERS: "2",
    LOG_LEVEL: "debug",
    LOG_FORMAT: "json",
    // the emulator speaks the 2024 web protocol unless told otherwise; auto would add its 404 probe to every log
    WEB_PROTOCOL: "2024",
    ...env,
  });
}
