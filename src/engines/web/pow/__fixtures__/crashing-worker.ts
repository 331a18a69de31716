/** @module A test Worker: the real one, except that the seeds "throw" and "exit" crash it the two ways Bun knows. */
import "../worker.ts";
import type { PowWorkerRequest } from "../messages.ts";

declare const self: Worker;

const solve = self.onmessage;
self.onmessage = (event: MessageEvent<PowWorkerRequest>) => {
  const message = event.data;
  if (message.type === "chunk" && message.seed === "throw") throw new Error("worker blew up");
  if (message.type === "chunk" && message.seed === "exit") process.exit(7);
  solve?.call(self, event);
};
