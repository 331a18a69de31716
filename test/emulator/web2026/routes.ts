/** @module The endpoints only a 2026 backend has (web-2026.md §1); the router serves them in 2026 mode only. */
import { type BackendRoute, callerKey, requirementsSettings, type RouterDeps, takeFault } from "../backend-route.ts";
import type { SentinelSettings } from "../sentinel.ts";
import { accountsCheck, conversationInit, me, sentinelPing, tasks } from "./account-endpoints.ts";
import type { TwoPhaseSettings } from "./sentinel-2026.ts";
import { handleResume } from "./handoff.ts";
import { handleWrite2026 } from "./write.ts";

function twoPhase(deps: RouterDeps, base: SentinelSettings): TwoPhaseSettings {
  return { ...base, acceptSha3: deps.mode.settings.acceptSha3InFnvMode, soRequired: deps.mode.settings.soRequired };
}

export const ROUTES_2026: BackendRoute[] = [
  {
    method: "POST",
    pattern: /^\/sentinel\/chat-requirements\/prepare$/,
    handle: ({ request, caller, deps, deviceId }) => deps.sentinel2026.prepare(request, caller, deviceId, twoPhase(deps, requirementsSettings(deps, caller))),
  },
  {
    method: "POST",
    pattern: /^\/sentinel\/chat-requirements\/finalize$/,
    handle: async ({ request, caller, deps, deviceId, entry }) => {
      // a pow-difficulty fault is for the next prepare, not for this finalize
      takeFault(deps, "requirements", callerKey(caller), (kind) => kind.type !== "pow-difficulty");
      const { response, powVerified } = await deps.sentinel2026.finalize(request, caller, deviceId, twoPhase(deps, deps.sentinelSettings));
      entry.powVerified = powVerified;
      return response;
    },
  },
  { method: "POST", pattern: /^\/sentinel\/ping$/, handle: () => sentinelPing() },
  {
    method: "POST",
    pattern: /^\/f\/conversation\/prepare$/,
    handle: ({ request, caller, deps, deviceId }) => {
      const fault = takeFault(deps, "conduit", callerKey(caller));
      return deps.conduits.prepare(request, caller, deviceId, fault?.type === "null-conduit");
    },
  },
  { method: "POST", pattern: /^\/f\/conversation$/, handle: ({ request, caller, deps, deviceId, entry }) => handleWrite2026(request, caller, deviceId, deps, entry) },
  {
    method: "POST",
    pattern: /^\/f\/conversation\/resume$/,
    handle: ({ request, caller, deps }) => handleResume(request, caller, { mode: deps.mode.settings.handoff, turns: deps.handoffs, resumeTokens: deps.resumeTokens, chunkDelayMs: deps.chunkDelayMs }),
  },
  { method: "GET", pattern: /^\/conversation\/([\w-]+)$/, handle: ({ caller, deps, params }) => deps.trees.conversation(caller, params[0] ?? "") },
  { method: "GET", pattern: /^\/celsius\/ws\/user$/, handle: ({ caller, deps }) => deps.handoffSockets.websocketUrl(caller) },
  { method: "POST", pattern: /^\/conversation\/init$/, handle: ({ request, deps }) => conversationInit(request, deps.now()) },
  { method: "GET", pattern: /^\/me$/, handle: ({ caller, deps }) => me(caller, deps.now()) },
  { method: "GET", pattern: /^\/accounts\/check\/v4-2023-04-27$/, handle: ({ caller }) => accountsCheck(caller) },
  { method: "GET", pattern: /^\/tasks$/, handle: () => tasks() },
];
