/** @module Injected faults (a queue consumed by matching requests) and the per-account-per-model usage caps. */
import { detail, html, HttpError, json } from "./http.ts";
import type { Fault, FaultEndpoint, FaultKind } from "./types.ts";

const STREAM_KINDS = new Set(["cut", "error-event", "no-in-progress", "slow", "cap", "hold", "flood"]);
/** Stream kinds the Codex stream honours too, and the kinds only it has. */
const CODEX_STREAM_KINDS = new Set(["cut", "error-event", "slow", "hold", "response-failed", "incomplete"]);

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

/** Throws on a fault that cannot apply to its endpoint, so a mistyped test fails loudly instead of passing. */
export function checkFault(fault: Fault): void {
  const { type } = fault.kind;
  if (fault.endpoint === "codex" ? STREAM_KINDS.has(type) && !CODEX_STREAM_KINDS.has(type) : STREAM_KINDS.has(type) && fault.endpoint !== "conversation") {
    throw new TypeError(`fault "${type}" only applies to endpoint "conversation"`);
  }
  if ((type === "response-failed" || type === "incomplete") && fault.endpoint !== "codex") {
    throw new TypeError(`fault "${type}" only applies to endpoint "codex"`);
  }
  if (type === "pow-difficulty" && fault.endpoint !== "requirements") {
    throw new TypeError('fault "pow-difficulty" only applies to endpoint "requirements"');
  }
  if (type === "null-conduit" && fault.endpoint !== "conduit") {
    throw new TypeError('fault "null-conduit" only applies to endpoint "conduit"');
  }
  const { kind } = fault;
  // the response head goes out with the first event: a stream held before it would not even answer
  if (kind.type === "hold" && !(Number.isInteger(kind.afterEvents) && kind.afterEvents >= 1)) {
    throw new TypeError("fault hold needs afterEvents, a whole number of at least 1");
  }
  if (kind.type === "flood" && !(Number.isInteger(kind.events) && kind.events >= 1 && Number.isInteger(kind.chars) && kind.chars >= 1)) {
    throw new TypeError("fault flood needs events and chars, positive whole numbers");
  }
  if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
    throw new TypeError("fault times must be a positive integer");
  }
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  inject(fault: Fault): void {
    checkFault(fault);
    this.queue.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.queue = [];
  }

  /**
   * Takes one hit of the first fault matching the endpoint, caller and (for caps with a model) the model; `accepts`
   * leaves kinds meant for another call of the same endpoint in the queue (2026 finalize skips `pow-difficulty`).
   */
  take(endpoint: FaultEndpoint, caller: { id: string; email?: string }, model?: string, accepts: (kind: FaultKind) => boolean = () => true): FaultKind | undefined {
    const entry = this.queue.find(({ fault }) => {
      if (fault.endpoint !== endpoint || !accepts(fault.kind)) return false;
      if (fault.account !== undefined && fault.account !== caller.id && fault.account !== caller.email) return false;
      return !(fault.kind.type === "cap" && fault.kind.model !== undefined && fault.kind.model !== model);
    });
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining <= 0) this.queue.splice(this.queue.indexOf(entry), 1);
    return entry.fault.kind;
  }
}

/** The error response of a fault that answers instead of the endpoint (`undefined` for stream-shaping kinds). */
export function faultResponse(kind: FaultKind): HttpError | undefined {
  switch (kind.type) {
    case "status":
      return detail(kind.status, kind.detail ?? defaultDetail(kind.status));
    case "cloudflare":
      return new HttpError(html(403, CLOUDFLARE_PAGE), "cloudflare challenge");
    case "unusual-activity":
      return detail(403, "Unusual activity has been detected from your device. Try again later. (8f3c1a2b4d5e6f70-IAD)");
    case "region":
      return new HttpError(
        json(403, { error: { code: "unsupported_country_region_territory", message: "Country, region, or territory not supported", param: null, type: "request_forbidden" } }),
        "region blocked",
      );
    case "cap":
    case "cut":
    case "error-event":
    case "no-in-progress":
    case "slow":
    case "hold":
    case "flood":
    case "pow-difficulty":
    case "null-conduit":
    case "response-failed":
    case "incomplete":
      return undefined;
    default: {
      const exhaustive: never = kind;
      return exhaustive;
    }
  }
}

function defaultDetail(status: number): string {
  if (status === 401) return "Your authentication token has expired. Please try signing in again.";
  if (status === 403) return "You do not have access to this resource.";
  if (status === 404) return "Not found";
  if (status === 413) return "Your message is too long. Please shorten it and try again.";
  if (status === 429) return "Too many requests in 1 hour. Try again later.";
  if (status >= 500) return "Something went wrong. Please try again later.";
  return `Error ${status}`;
}

const CLOUDFLARE_PAGE = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head><body>
<div class="main-wrapper" role="main"><div id="cf-please-wait" class="cf-spinner-please-wait">Please wait…</div></div>
<script>(function(){window._cf_chl_opt={cvId: '3',cZone: "chatgpt.com",cType: 'managed',cRay: '8f3c1a2b4d5e6f70'};}());</script>
</body></html>`;

/** Usage caps: once hit, an account keeps being refused a model until the clock passes `until`. */
export class CapTable {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  impose(accountId: string, model: string, clearsInSec: number): void {
    this.until.set(`${accountId}\n${model}`, this.now() + clearsInSec * 1000);
  }

  /** 429 while capped, with the seconds still to wait. */
  check(accountId: string, model: string): void {
    const until = this.until.get(`${accountId}\n${model}`);
    if (until === undefined) return;
    const left = until - this.now();
    if (left <= 0) {
      this.until.delete(`${accountId}\n${model}`);
      return;
    }
    throw capError(Math.ceil(left / 1000));
  }

  clear(): void {
    this.until.clear();
  }
}

export function capError(clearsIn: number): HttpError {
  return new HttpError(
    json(429, {
      detail: {
        message: "You have sent too many messages to the model. Please try again later.",
        code: "model_cap_exceeded",
        clears_in: clearsIn,
      },
    }),
    "model cap",
  );
}
