/**
 * @module Settings of Bun and JavaScriptCore that they read only as the process starts: setting them later does
 * nothing, and there is no API for them. So the entry point re-executes itself with those the environment lacks
 * (`process.execve`: same PID, same arguments, a compiled binary too). A value the operator set stands; the systemd
 * unit and the Docker image set them all, which spares the second runtime start.
 */
import { FETCH_CAP_VARIABLE, LARGEST_FETCH_CAP } from "./engines/web/fetch-cap.ts";

type Env = Record<string, string | undefined>;

/** JavaScriptCore reads its options from `BUN_JSC_<name>` variables at start. */
export const FTL_VARIABLE = "BUN_JSC_useFTLJIT";

/** Each setting with the value chat2api starts with when the environment does not set it. */
export const STARTUP_SETTINGS: Readonly<Record<string, string>> = {
  // Bun's fetch queue: streams past its cap would wait unseen (fetch-cap.ts)
  [FETCH_CAP_VARIABLE]: String(LARGEST_FETCH_CAP),
  // JavaScriptCore's top tier, FTL, is for long hot loops, which a request path of native parsing, I/O and short
  // functions has few of. Without it an idle server holds ~2 MiB less (60.1 → 58.2 MiB, median of 5): the pages of
  // the B3 compiler's own code, of its compiled code and of its compile-time heap. A chat costs 0–0.05 ms more (three
  // comparisons in turns, each within its noise) and the 2026 proof of work's FNV, in JavaScript, 4–7 % more time;
  // SHA3 runs in WebAssembly, which this option leaves alone (bench/RESULTS.md, seventeenth session).
  // `BUN_JSC_useFTLJIT=1` takes the other side of that trade.
  [FTL_VARIABLE]: "0",
};

interface ProcessLike {
  env: Env;
  argv: readonly string[];
  execArgv: readonly string[];
  execPath: string;
  execve?: (file: string, args?: string[], env?: Env) => never;
}

/** `bun build --compile` binaries run their entry from Bun's embedded file system, and take no script argument. */
function isCompiled(entry: string | undefined): boolean {
  return entry !== undefined && /^(\/\$bunfs\/|[A-Za-z]:[\\/]~BUN[\\/])/.test(entry);
}

/** The settings this environment lacks, with chat2api's values. */
export function missingStartupSettings(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(STARTUP_SETTINGS).filter(([name]) => env[name] === undefined));
}

/**
 * Re-executes this process with the settings the environment lacks; returns only when it does not re-execute (none
 * was missing, or execve is unavailable or failed: then Bun's defaults apply, and `fetchCapWarning` says so for the
 * one that matters).
 */
export function applyStartupSettings(proc: ProcessLike): void {
  const missing = missingStartupSettings(proc.env);
  if (Object.keys(missing).length === 0 || typeof proc.execve !== "function") return;
  const args = isCompiled(proc.argv[1])
    ? [proc.execPath, ...proc.argv.slice(2)]
    : [proc.execPath, ...proc.execArgv, ...proc.argv.slice(1)];
  try {
    proc.execve(proc.execPath, args, { ...proc.env, ...missing });
  } catch {
    // carry on with Bun's defaults; the start-up warning names the fetch cap's variable
  }
}
