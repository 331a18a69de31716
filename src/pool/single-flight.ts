/** @module Single-flight: concurrent calls with the same key share one in-flight promise. */

export type SingleFlight = <T>(key: string, run: () => Promise<T>) => Promise<T>;

export function createSingleFlight(): SingleFlight {
  const inFlight = new Map<string, Promise<unknown>>();
  return function singleFlight<T>(key: string, run: () => Promise<T>): Promise<T> {
    const running = inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = run().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}
