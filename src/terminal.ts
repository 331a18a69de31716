/**
 * @module Whether a file descriptor is a terminal, asked without `process.stdout`/`process.stderr` or `node:tty`: the
 * first use of either builds Node's stream classes, 8–20 ms of a start that is ~150 ms in all (bench/RESULTS.md,
 * thirteenth session), for one bit that decides the log format.
 */

interface TtyBinding {
  isTTY(fd: number): boolean;
}

/** The native check `node:tty` itself calls, when this runtime has it. */
function ttyBinding(): TtyBinding | null {
  try {
    const binding = (process as unknown as { binding?: (name: string) => unknown }).binding?.("tty_wrap") as Partial<TtyBinding> | undefined;
    return typeof binding?.isTTY === "function" ? (binding as TtyBinding) : null;
  } catch {
    return null;
  }
}

export function isTerminal(fd: 1 | 2): boolean {
  const binding = ttyBinding();
  if (binding) return binding.isTTY(fd);
  return Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}
