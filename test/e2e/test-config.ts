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
    // auto against a 2026 emulator (it goes straight to 2026); 2024 against a 2024 one, whose logs auto's 404 probe would change
    WEB_PROTOCOL: emulator.webGeneration === "2026" ? "auto" : "2024",
    ...env,
  });
}
