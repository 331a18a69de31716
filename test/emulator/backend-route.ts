/**
 * @module What a backend route is (method, path pattern, handler) and what its handler gets; the fault helpers the
 * route tables of both generations share.
 */
import type { AccountRegistry, Caller } from "./accounts.ts";
import type { ChallengeSolvers } from "./challenge-solvers.ts";
import type { CodexBackend } from "./codex/index.ts";
import { faultResponse } from "./faults.ts";
import type { FileEndpoints } from "./files.ts";
import type { SentinelSettings } from "./sentinel.ts";
import type { EmulatorLogEntry, FaultEndpoint, FaultKind } from "./types.ts";
import type { HandoffSockets } from "./web2026/handoff-socket.ts";
import type { SessionTokens } from "./web2026/auth-session.ts";
import type { Write2026Deps } from "./web2026/write.ts";

export interface RouterDeps extends Write2026Deps {
  accounts: AccountRegistry;
  solvers: ChallengeSolvers;
  fileEndpoints: FileEndpoints;
  log: EmulatorLogEntry[];
  /** `EmulatorOptions.logLimit`. */
  logLimit: number | undefined;
  sentinelSettings: SentinelSettings;
  authKey: string | undefined;
  rotateRefreshTokens: () => boolean;
  codex: CodexBackend;
  /** `GET /api/auth/session` and the accounts whose sessions are revoked. */
  sessions: SessionTokens;
  handoffSockets: HandoffSockets;
}

export interface RouteContext {
  request: Request;
  url: URL;
  caller: Caller;
  params: string[];
  entry: EmulatorLogEntry;
  deps: RouterDeps;
  /** `oai-device-id` (required in 2026 mode, so never empty there). */
  deviceId: string;
}

export interface BackendRoute {
  method: string;
  pattern: RegExp;
  /** Faults of this endpoint fire before the handler; conversation and requirements take theirs themselves. */
  faults?: FaultEndpoint;
  handle(context: RouteContext): Response | Promise<Response>;
}

export function callerKey(caller: Caller): { id: string; email?: string } {
  return caller.kind === "account" ? { id: caller.id, email: caller.email } : { id: caller.id };
}

/** Takes one fault of `endpoint` for this caller: an answering one is thrown, a shaping one returned. */
export function takeFault(deps: RouterDeps, endpoint: FaultEndpoint, caller: { id: string; email?: string }, accepts?: (kind: FaultKind) => boolean): FaultKind | undefined {
  const fault = deps.faults.take(endpoint, caller, undefined, accepts);
  const failure = fault && faultResponse(fault);
  if (failure) throw failure;
  return fault;
}

/** The difficulty a requirements call announces: the configured one, unless a `pow-difficulty` fault says otherwise. */
export function requirementsSettings(deps: RouterDeps, caller: Caller): SentinelSettings {
  const fault = takeFault(deps, "requirements", callerKey(caller));
  return { ...deps.sentinelSettings, difficulty: fault?.type === "pow-difficulty" ? fault.difficulty : deps.sentinelSettings.difficulty };
}
