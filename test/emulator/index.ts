/**
 * @module A strict emulator of the ChatGPT web backend for tests, as it was in 2024 (upstream.md §15, the default) or
 * is in 2026 (web-2026.md §10, `webGeneration: "2026"`, switchable while running): sentinel with real proof-of-work
 * checks, both stream encodings, files, OAuth, caps and injectable faults. `await using emu = await startEmulator()`.
 */
import { AccountRegistry } from "./accounts.ts";
import { noOAuthExchanges } from "./oauth.ts";
import { ChallengeSolvers } from "./challenge-solvers.ts";
import { createCodexBackend } from "./codex/index.ts";
import { handleControl } from "./control.ts";
import { ConversationStore } from "./conversation-store.ts";
import { CapTable, FaultQueue } from "./faults.ts";
import { FileStore } from "./file-store.ts";
import { FileEndpoints } from "./files.ts";
import { HoldGate } from "./hold-gate.ts";
import { createRouter } from "./router.ts";
import { json } from "./http.ts";
import { Sentinel } from "./sentinel.ts";
import type { Emulator, EmulatorLogEntry, EmulatorOptions, EmulatorStats } from "./types.ts";
import { WebScripts } from "./web-scripts.ts";
import { SessionTokens } from "./web2026/auth-session.ts";
import { ConduitTokens } from "./web2026/conduit.ts";
import { HandedOffTurns } from "./web2026/handoff.ts";
import { ConversationTrees } from "./web2026/late-images.ts";
import { HandoffSockets, type SocketData } from "./web2026/handoff-socket.ts";
import { ResumeTokens } from "./web2026/resume-token.ts";
import { TwoPhaseSentinel } from "./web2026/sentinel-2026.ts";
import { checkWeb2026Settings, DEFAULT_WEB2026_SETTINGS, isWebGeneration, pickWeb2026Settings, type WebMode } from "./web2026/settings.ts";

export type {
  AddAccountInput,
  EmulatedAccount,
  Emulator,
  EmulatorLogEntry,
  EmulatorOptions,
  EmulatorStats,
  Fault,
  FaultEndpoint,
  FaultKind,
  ImagePointerLogEntry,
  Plan,
  Web2026Settings,
  WebGeneration,
} from "./types.ts";
export type { WebScript } from "./web-scripts.ts";
export type { AddCodexAccountInput, CodexAccount, CodexControls, CodexPlan, CodexScriptedCall, CodexScriptedReply, CodexSettings, CodexStats, CodexWindowState } from "./codex/types.ts";

/** Long enough for the `slow` fault; Bun's default 10 s would cut a deliberately slow stream. */
const IDLE_TIMEOUT_SEC = 120;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  const difficulty = options.powDifficulty ?? "0fffff";
  if (!/^[0-9a-f]+$/.test(difficulty)) throw new TypeError("powDifficulty must be lowercase hex");
  const generation = options.webGeneration ?? "2024";
  if (!isWebGeneration(generation)) throw new TypeError('webGeneration must be "2024" or "2026"');
  const mode: WebMode = { generation, settings: { ...DEFAULT_WEB2026_SETTINGS, ...checkWeb2026Settings(pickWeb2026Settings(options)) } };
  const stats: EmulatorStats = { oauthRefreshes: 0, oauthExchanges: noOAuthExchanges(), oauthWrongClient: 0, conversations: 0, powVerified: 0, powRejected: 0, held: 0, streamedBytes: 0 };
  const holdGate = new HoldGate((held) => {
    stats.held = held;
  });
  const log: EmulatorLogEntry[] = [];
  const accounts = new AccountRegistry(now);
  const sessions = new SessionTokens(accounts, now);
  const solvers = new ChallengeSolvers();
  const faults = new FaultQueue();
  const caps = new CapTable(now);
  const conversations = new ConversationStore();
  let baseUrl = "";
  const files = new FileStore(
    () => baseUrl,
    () => mode.generation === "2026",
  );
  let emulator: Emulator | undefined;
  const handoffs = new HandedOffTurns();
  const handoffSockets = new HandoffSockets(handoffs, () => baseUrl);
  const scripts = new WebScripts();
  const codex = createCodexBackend({ faults, holdGate, now, chunkDelayMs: options.chunkDelayMs ?? 0 });

  const router = createRouter({
    accounts,
    solvers,
    sentinel: new Sentinel(now, solvers, stats),
    mode,
    sentinel2026: new TwoPhaseSentinel(now, solvers, stats),
    conduits: new ConduitTokens(now),
    resumeTokens: new ResumeTokens(now),
    handoffs,
    handoffSockets,
    trees: new ConversationTrees(now, () => mode.settings.asyncImageDelayMs),
    files,
    fileEndpoints: new FileEndpoints(files, conversations),
    conversations,
    faults,
    caps,
    stats,
    log,
    now,
    legacyOnly: options.encoding === "legacy",
    chunkDelayMs: options.chunkDelayMs ?? 0,
    holdGate,
    scripts,
    sentinelSettings: { requirePow: options.requirePow ?? true, difficulty, turnstile: options.turnstile ?? false, arkose: options.arkose ?? false },
    authKey: options.authKey,
    logLimit: options.logLimit,
    rotateRefreshTokens: () => emulator?.rotateRefreshTokens ?? false,
    sessions,
    codex,
  });

  const server = Bun.serve<SocketData>({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    idleTimeout: IDLE_TIMEOUT_SEC,
    // A stream cut on purpose errors its body; that is the fault, not something to report.
    error: (error) => json(500, { detail: `Emulator error: ${error.message}` }),
    websocket: {
      open: () => {
        handoffSockets.opened++;
      },
      message: (ws, message) => handoffSockets.message(ws, message),
    },
    fetch(request, bun) {
      const url = new URL(request.url);
      const { pathname } = url;
      if (handoffSockets.isSocketPath(pathname)) {
        // the URL carries its own auth (web-2026.md §6.4.1): a bad signature is refused before the upgrade
        const ownerId = handoffSockets.ownerOfUrl(url);
        if (ownerId === undefined) return json(403, { detail: "Invalid websocket URL" });
        return bun.upgrade(request, { data: { ownerId, connected: false } }) ? undefined : json(400, { detail: "Expected a WebSocket upgrade" });
      }
      if (pathname.startsWith("/_emulator/") && emulator) return handleControl(request, pathname, emulator);
      return router(request);
    },
  });
  baseUrl = `http://127.0.0.1:${server.port}`;

  const close = async (): Promise<void> => {
    await server.stop(true);
  };
  emulator = {
    url: baseUrl,
    port: server.port ?? 0,
    turnstileSolverUrl: `${baseUrl}/_solver/turnstile`,
    arkoseSolverUrl: `${baseUrl}/_solver/arkose`,
    rotateRefreshTokens: false,
    log,
    addAccount(input) {
      const account = accounts.add(input);
      return { ...account, sessionToken: sessions.issue(account.id) };
    },
    issueSessionToken: (who, sessionOptions) => sessions.issue(who, sessionOptions),
    get rotateSessionTokens() {
      return sessions.rotate;
    },
    set rotateSessionTokens(rotate: boolean) {
      sessions.rotate = rotate;
    },
    endSession: (token) => sessions.end(token),
    revokeSession: (who) => sessions.revoke(who),
    addCodexAccount: (input) => codex.addAccount(input),
    codex: codex.controls,
    issueAccessToken: (who, tokenOptions) => accounts.issueAccessToken(who, tokenOptions),
    revokeRefreshToken: (token) => accounts.revokeRefreshToken(token),
    get webGeneration() {
      return mode.generation;
    },
    setWebGeneration(generation) {
      if (!isWebGeneration(generation)) throw new TypeError('generation must be "2024" or "2026"');
      mode.generation = generation;
    },
    configureWeb2026(settings) {
      Object.assign(mode.settings, checkWeb2026Settings(settings));
      return { ...mode.settings };
    },
    web2026Settings: () => ({ ...mode.settings }),
    downgradeTo(slug) {
      Object.assign(mode.settings, checkWeb2026Settings({ downgradeTo: slug }));
    },
    scriptWeb: (...queued) => scripts.push(queued),
    clearWebScripts: () => scripts.clear(),
    webScriptsPending: () => scripts.pending,
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    releaseHeld: () => holdGate.releaseAll(),
    stats: () => ({ ...stats, oauthExchanges: { ...stats.oauthExchanges } }),
    reset() {
      log.length = 0;
      faults.clear();
      caps.clear();
      codex.reset();
      scripts.clear();
      // `held` is not history: it counts streams still open
      Object.assign(stats, { oauthRefreshes: 0, oauthExchanges: noOAuthExchanges(), oauthWrongClient: 0, conversations: 0, powVerified: 0, powRejected: 0, streamedBytes: 0 });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return emulator;
}
