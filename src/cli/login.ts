/**
 * @module `chat2api login`: signs a Codex account in with the device-code flow (codex.md §1.4) from a terminal —
 * prints the verification URL and the code, waits for the user, and stores the account in the configured store
 * (DATABASE_URL, or DATA_DIR's SQLite file). Prints no token.
 */
import type { Config } from "../config.ts";
import { completeDeviceLogin, startDeviceLogin, waitForDeviceLogin, type DeviceWaitOptions } from "../engines/codex/auth/device-code.ts";
import { silentLogger } from "../logger.ts";
import { saveCodexSignIn } from "../pool/codex-sign-in.ts";
import { openStore } from "../pool/pool-runtime.ts";

export interface LoginOptions {
  config: Pick<Config, "authBaseUrl" | "databaseUrl" | "dataKey" | "dataKeyPrevious">;
  /** One line for the user (stdout). */
  print: (line: string) => void;
  fetch?: typeof fetch;
  sleep?: DeviceWaitOptions["sleep"];
  signal?: AbortSignal;
  now?: () => number;
}

/** Returns the exit code: 0 when the account is stored, 1 otherwise. */
export async function runLogin({ config, print, fetch: doFetch, sleep, signal, now = Date.now }: LoginOptions): Promise<number> {
  const options = { authBaseUrl: config.authBaseUrl, now, ...(doFetch ? { fetch: doFetch } : {}) };
  const start = await startDeviceLogin(options);
  if (start.type !== "started") {
    print(`chat2api login: the device-code sign-in could not start: ${start.reason}.`);
    if (start.type === "disabled") print("Use the management page's browser sign-in instead.");
    return 1;
  }
  const { login } = start;
  const minutes = Math.round((login.expiresAtMs - now()) / 60_000);
  print(`To sign in a Codex account, open ${login.verificationUrl} in a browser and enter the code ${login.userCode}`);
  print(`(it expires in ${minutes} minutes; device-code login must be allowed in the ChatGPT account's security settings). Waiting…`);
  const waited = await waitForDeviceLogin(login, { ...options, ...(sleep ? { sleep } : {}), ...(signal ? { signal } : {}) });
  switch (waited.type) {
    case "expired":
      print("The code expired before it was entered; run chat2api login again.");
      return 1;
    case "aborted":
      print("Sign-in cancelled.");
      return 1;
    case "failed":
      print(`The sign-in failed: ${waited.reason}.`);
      return 1;
    case "approved":
      break;
    default: {
      const _exhaustiveCheck: never = waited;
      return _exhaustiveCheck;
    }
  }
  const result = await completeDeviceLogin(waited, options);
  if (result.type !== "ok") {
    print(`The sign-in could not be finished: ${result.type === "refused" ? `the auth host refused it (${result.code})` : result.reason}.`);
    return 1;
  }
  const store = openStore(config, { now, logger: silentLogger });
  try {
    await store.ready();
    const { account, renewed } = await saveCodexSignIn(store, result.tokens, now());
    const what = `ChatGPT account ${account.chatgptAccountId ?? "(id unknown)"}, plan ${account.plan ?? "unknown"}`;
    print(renewed ? `Signed in again: ${what}; pool account ${account.id} has the new tokens.` : `Signed in: ${what}; stored as pool account ${account.id}.`);
    return 0;
  } finally {
    await store.close();
  }
}
