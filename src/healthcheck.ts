/**
 * @module `chat2api --healthcheck`: asks the server running beside it (same settings) for `/healthz`, for a
 * container's HEALTHCHECK on an image that has no curl or wget. Exit 0 when it answers 200, 1 otherwise.
 */
import type { Config } from "./config.ts";

export type HealthcheckConfig = Pick<Config, "host" | "port" | "apiPrefix">;

/** Where the local server answers: a wildcard listen address is reached on loopback. */
export function healthzUrl({ host, port, apiPrefix }: HealthcheckConfig): string {
  const loopback = host === "" || host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;
  return `http://${loopback}:${port}${apiPrefix ? `/${apiPrefix}` : ""}/healthz`;
}

/** One line saying what was found; `ok` decides the exit code. */
export async function checkHealth(config: HealthcheckConfig, timeoutMs = 5000): Promise<{ ok: boolean; detail: string }> {
  if (config.port === 0) return { ok: false, detail: "PORT=0 (a random port) cannot be checked from outside; set PORT" };
  const url = healthzUrl(config);
  // the line is printed by the container runtime: never the secret prefix
  const shown = config.apiPrefix ? url.replace(`/${config.apiPrefix}/`, "/<API_PREFIX>/") : url;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await response.body?.cancel();
    return { ok: response.status === 200, detail: `${shown} answered ${response.status}` };
  } catch (error) {
    return { ok: false, detail: `${shown} did not answer: ${error instanceof Error ? error.message : String(error)}` };
  }
}
