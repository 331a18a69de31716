/**
 * @module A preload (`bun --preload`) that records every function made from source text at run time (`new
 * Function`, `Function(…)`) to the file named by GENERATED_CODE_LOG, one line each: where it was made. For
 * test/e2e/generated-code.test.ts; never part of the server.
 */
import { appendFileSync, writeFileSync } from "node:fs";

const logFile = process.env.GENERATED_CODE_LOG;
if (!logFile) throw new Error("GENERATED_CODE_LOG names the file to record in");
// made empty at once: that the file is there shows the recorder ran in the process
writeFileSync(logFile, "");
const record = () => {
  const frames = (new Error().stack ?? "").split("\n").slice(3, 9).map((frame) => frame.trim());
  appendFileSync(logFile, `${frames.join(" < ")}\n`);
};
globalThis.Function = new Proxy(Function, {
  apply(target, self, args) {
    record();
    return Reflect.apply(target, self, args);
  },
  construct(target, args, newTarget) {
    record();
    return Reflect.construct(target, args, newTarget === globalThis.Function ? target : newTarget);
  },
});
