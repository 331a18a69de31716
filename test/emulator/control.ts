/**
 * @module The by-hand control API under `/_emulator/`: read the log, queue a fault or a scripted web reply, reset,
 * switch the web generation and the 2026 settings. Not logged itself.
 */
import { handleCodexControl } from "./codex/control.ts";
import { checkFault } from "./faults.ts";
import { detail, HttpError, isRecord, json, readJsonObject } from "./http.ts";
import type { Emulator, Fault } from "./types.ts";
import type { WebScript } from "./web-scripts.ts";
import { checkWeb2026Settings, isWebGeneration } from "./web2026/settings.ts";

function asFault(value: Record<string, unknown>): Fault {
  if (typeof value.endpoint !== "string" || !isRecord(value.kind) || typeof value.kind.type !== "string") {
    throw detail(422, 'A fault needs "endpoint" and "kind": {"type": …}');
  }
  const fault = value as unknown as Fault;
  try {
    checkFault(fault);
  } catch (error) {
    throw detail(422, String(error));
  }
  return fault;
}

export async function handleControl(request: Request, pathname: string, emulator: Emulator): Promise<Response> {
  try {
    if (pathname.startsWith("/_emulator/codex/")) return await handleCodexControl(request, pathname.slice("/_emulator/codex/".length), emulator);
    if (pathname === "/_emulator/log" && request.method === "GET") return json(200, emulator.log);
    if (pathname === "/_emulator/stats" && request.method === "GET") return json(200, emulator.stats());
    if (pathname === "/_emulator/faults" && request.method === "POST") {
      emulator.inject(asFault(await readJsonObject(request)));
      return json(200, { status: "queued" });
    }
    if (pathname === "/_emulator/web-script" && request.method === "GET") return json(200, { pending: emulator.webScriptsPending() });
    if (pathname === "/_emulator/web-script" && request.method === "DELETE") return json(200, { cleared: emulator.clearWebScripts() });
    if (pathname === "/_emulator/web-script" && request.method === "POST") {
      const body = await readJsonObject(request);
      const scripts = Array.isArray(body.scripts) ? body.scripts : [body];
      try {
        emulator.scriptWeb(...(scripts as WebScript[]));
      } catch (error) {
        throw detail(422, String(error));
      }
      return json(200, { status: "queued", scripts: scripts.length, pending: emulator.webScriptsPending() });
    }
    if (pathname === "/_emulator/generation" && request.method === "GET") return json(200, { generation: emulator.webGeneration });
    if (pathname === "/_emulator/generation" && request.method === "POST") {
      const { generation } = await readJsonObject(request);
      if (!isWebGeneration(generation)) throw detail(422, 'generation must be "2024" or "2026"');
      emulator.setWebGeneration(generation);
      return json(200, { generation });
    }
    if (pathname === "/_emulator/web2026" && request.method === "GET") return json(200, emulator.web2026Settings());
    if (pathname === "/_emulator/web2026" && request.method === "POST") {
      const body = await readJsonObject(request);
      try {
        checkWeb2026Settings(body);
      } catch (error) {
        throw detail(422, String(error));
      }
      return json(200, emulator.configureWeb2026(body));
    }
    if (pathname === "/_emulator/reset" && request.method === "POST") {
      emulator.reset();
      return json(200, { status: "reset" });
    }
    throw detail(404, "Unknown control endpoint");
  } catch (error) {
    if (error instanceof HttpError) return error.response;
    throw error;
  }
}
