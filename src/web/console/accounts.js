/**
 * @module The accounts page: the pool through /admin/api/accounts (add by text or file, enable, disable, remove,
 * refresh now), each account as a card with the engines it can use, its quota windows as bars with reset countdowns,
 * cooldowns and its last error in words; and the Codex sign-ins (device code, browser link with the pasted redirect).
 */
import { $, adminApi, duration, say, windowName, wireAdminKey } from "./admin-api.js";
import { escapeHtml } from "./markdown.js";

/** @typedef {{ model: string, untilMs: number, reason: string }} Cooldown */
/** @typedef {{ windowMinutes: number, usedPercent: number, resetsAt: number | null, updatedAt: number }} QuotaWindow */
/** @typedef {{ id: string, label: string, kind: string, teamAccountId: string | null, plan: string | null, status: string, lastError: string | null, lastUsedAt: number | null, createdAt: number, successCount: number, failureCount: number, hasRefreshToken: boolean, cooldowns: Cooldown[], oauthClient: string | null, hasCodex: boolean | null, hasWeb: boolean | null, quotaWindows: QuotaWindow[] }} Account */

const when = (/** @type {number | null} */ ms) => (ms === null ? "never" : new Date(ms).toLocaleString());
const h = escapeHtml;

/** The engines an account reaches: a web-client token is the web engine's only; a Codex one says what it learnt. */
function engines(/** @type {Account} */ a) {
  const codexClient = a.oauthClient === "codex" || a.kind.startsWith("codex");
  const pill = (/** @type {string} */ name, /** @type {boolean | null} */ has) =>
    `<span class="engine ${has === null ? "" : has ? "yes" : "no"}" data-engine="${name}" title="${has === null ? "not known yet" : has ? "can use it" : "cannot use it"}">${name}${has === null ? "?" : ""}</span>`;
  return codexClient ? pill("codex", a.hasCodex) + pill("web", a.hasWeb) : pill("web", a.hasWeb ?? true);
}

const REASONS = /** @type {Record<string, string>} */ ({
  capped: "usage cap reached",
  blocked: "blocked upstream (Cloudflare or unusual activity)",
  quota: "quota window spent",
});

function cooldown(/** @type {Cooldown} */ c, /** @type {number} */ now) {
  const what = c.model === "*" ? "every model" : c.model === "codex:*" ? "every Codex model" : c.model;
  return `${REASONS[c.reason] ?? c.reason} on ${what}: rests <span class="countdown" data-until="${c.untilMs}">${h(duration(c.untilMs - now))}</span> more`;
}

function quotaBar(/** @type {QuotaWindow} */ w, /** @type {number} */ now) {
  const used = Math.max(0, Math.min(100, w.usedPercent));
  const level = used >= 100 ? "spent" : used >= 80 ? "high" : "";
  const reset = w.resetsAt === null ? "reset time not told" : w.resetsAt > now ? `resets in <span class="countdown" data-until="${w.resetsAt}">${h(duration(w.resetsAt - now))}</span>` : "reset";
  return `<div class="quota ${level}" data-window="${w.windowMinutes}">
    <div class="row"><strong>${h(windowName(w.windowMinutes))}</strong><span>${Math.round(w.usedPercent)}% used</span><span class="muted">${reset}</span></div>
    <div class="bar" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${Math.round(used)}" aria-label="${h(windowName(w.windowMinutes))} window used"><span data-width="${used}"></span></div>
  </div>`;
}

function card(/** @type {Account} */ a, /** @type {number} */ now) {
  const box = document.createElement("section");
  box.className = "card account";
  box.dataset.id = a.id;
  const cooling = a.cooldowns.filter((c) => c.untilMs > now);
  box.innerHTML = `
    <h3 class="label">${h(a.label)}${a.teamAccountId ? ` <span class="muted">· ${h(a.teamAccountId)}</span>` : ""}</h3>
    <div><span class="status status-${h(a.status)}">${h(a.status)}</span> · ${h(a.kind)} · plan ${h(a.plan ?? "unknown")}</div>
    <div class="engines">${engines(a)}</div>
    ${a.quotaWindows.map((w) => quotaBar(w, now)).join("")}
    <dl>
      <dt>Cooldowns</dt><dd class="cooldowns">${cooling.length ? cooling.map((c) => cooldown(c, now)).join("<br>") : "none"}</dd>
      <dt>Last error</dt><dd class="last-error">${a.lastError ? h(a.lastError) : "none"}</dd>
      <dt>Requests</dt><dd>${a.successCount} ok · ${a.failureCount} failed</dd>
      <dt>Last used</dt><dd>${h(when(a.lastUsedAt))}</dd>
      <dt>Added</dt><dd>${h(when(a.createdAt))}</dd>
    </dl>
    <div class="row actions"></div>`;
  // bar widths set through the CSSOM: the CSP allows no inline style attributes
  for (const bar of box.querySelectorAll(".bar > span")) /** @type {HTMLElement} */ (bar).style.width = `${/** @type {HTMLElement} */ (bar).dataset.width}%`;
  const actions = /** @type {HTMLElement} */ (box.querySelector(".actions"));
  const active = a.status === "active";
  // a failed account offers Enable too: the operator may want to try it again
  actions.append(
    button(active ? "Disable" : "Enable", () => act(() => adminApi("POST", `/accounts/${encodeURIComponent(a.id)}/${active ? "disable" : "enable"}`))),
  );
  if (cooling.length) actions.append(button("End cooldowns", () => act(() => adminApi("DELETE", `/cooldowns/${encodeURIComponent(a.id)}`))));
  if (a.hasRefreshToken) {
    actions.append(
      button("Refresh now", () =>
        act(async () => {
          const result = await adminApi("POST", `/accounts/${encodeURIComponent(a.id)}/refresh`);
          say(`Refresh: ${result.type}${result.reason ? ` (${result.reason})` : ""}`, result.type === "refreshed" ? "ok" : "error");
        }, false),
      ),
    );
  }
  actions.append(
    button("Remove", () => {
      if (!confirm(`Remove ${a.label}?`)) return;
      return act(async () => {
        await adminApi("DELETE", `/accounts/${encodeURIComponent(a.id)}`);
        say(`Removed ${a.label}.`, "ok");
      }, false);
    }),
  );
  return box;
}

function button(/** @type {string} */ label, /** @type {() => unknown} */ action) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", () => void action());
  return b;
}

/** Runs a change, reports a failure, and shows the list as it now is. */
async function act(/** @type {() => Promise<unknown>} */ change, clear = true) {
  try {
    await change();
    if (clear) say("", "");
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), "error");
    return;
  }
  await load(false);
}

async function load(announce = true) {
  try {
    /** @type {{ data: Account[] }} */
    const { data } = await adminApi("GET", "/accounts");
    const now = Date.now();
    $("accounts").replaceChildren(...data.map((a) => card(a, now)));
    $("count").textContent = `(${data.length})`;
    if (announce) say("", "");
    document.body.dataset.loaded = String(data.length);
  } catch (error) {
    $("accounts").replaceChildren();
    $("count").textContent = "";
    say(error instanceof Error ? error.message : String(error), "error");
  }
}

async function add(/** @type {string} */ text) {
  await act(async () => {
    const result = await adminApi("POST", "/accounts", { tokens: text });
    const parts = [`Added ${result.added}`];
    if (result.duplicates) parts.push(`${result.duplicates} already in the pool`);
    if (result.summary) parts.push(result.summary);
    say(parts.join(" · "), result.added ? "ok" : "error");
    $("tokens").value = "";
    $("token-file").value = "";
  }, false);
}

// Codex sign-in: one at a time; starting another abandons the previous one's polling
let signIn = 0;

async function signedIn(/** @type {{ account: Account, renewed: boolean }} */ result) {
  $("codex-login").replaceChildren();
  say(`${result.renewed ? "Signed in again" : "Signed in"}: ${result.account.label}${result.account.plan ? ` (${result.account.plan})` : ""}`, "ok");
  await load(false);
}

async function pollDevice(/** @type {number} */ run, /** @type {string} */ id, /** @type {number} */ delaySec) {
  await new Promise((resolve) => setTimeout(resolve, delaySec * 1000));
  if (run !== signIn) return;
  /** @type {any} */
  let result;
  try {
    result = await adminApi("POST", `/codex/login/device/${encodeURIComponent(id)}`);
  } catch (error) {
    if (run !== signIn) return;
    $("codex-login").replaceChildren();
    return say(`Sign-in stopped: ${error instanceof Error ? error.message : String(error)}`, "error");
  }
  if (run !== signIn) return;
  if (result.status === "pending") return pollDevice(run, id, Math.max(1, result.retryAfterSec));
  if (result.status === "signed-in") return signedIn(result);
  $("codex-login").replaceChildren();
  say(result.status === "expired" ? "The code expired before it was entered. Start the sign-in again." : `Sign-in failed: ${result.reason}`, "error");
}

async function startDevice() {
  const run = ++signIn;
  const box = $("codex-login");
  box.replaceChildren();
  say("Asking for a code…", "");
  try {
    const start = await adminApi("POST", "/codex/login/device");
    if (run !== signIn) return;
    box.innerHTML = `<p>1. Open <a id="device-url" target="_blank" rel="noopener noreferrer" href="${h(start.verificationUrl)}">${h(start.verificationUrl)}</a> and sign in.</p>
      <p>2. Enter the code <code id="device-code">${h(start.userCode)}</code></p>
      <p id="device-status" class="muted">Waiting for you to enter it (the code expires at ${h(new Date(start.expiresAt).toLocaleTimeString())})…</p>`;
    say("", "");
    void pollDevice(run, start.id, start.intervalSec);
  } catch (error) {
    say(`Could not start the sign-in: ${error instanceof Error ? error.message : String(error)}`, "error");
  }
}

async function startPkce() {
  const run = ++signIn;
  const box = $("codex-login");
  box.replaceChildren();
  try {
    const start = await adminApi("POST", "/codex/login/pkce");
    if (run !== signIn) return;
    box.innerHTML = `<p>1. Open this link in a browser on any machine and sign in: <a id="pkce-url" target="_blank" rel="noopener noreferrer" href="${h(start.authorizeUrl)}">${h(start.authorizeUrl)}</a></p>
      <p>2. The browser ends on ${h(start.redirectUri)}…, a page that fails to load. Copy that whole address from the address bar and paste it here:</p>
      <input id="pkce-redirect" type="text" autocomplete="off" spellcheck="false" placeholder="${h(start.redirectUri)}?code=…&amp;state=…">
      <div class="row"><button id="pkce-complete" class="primary" type="button">Finish sign-in</button></div>`;
    const submit = $("pkce-complete");
    submit.addEventListener("click", async () => {
      const redirectUrl = $("pkce-redirect").value.trim();
      if (!redirectUrl) return say("Paste the address the browser ended on first.", "error");
      submit.disabled = true;
      try {
        const result = await adminApi("POST", "/codex/login/pkce/complete", { redirectUrl });
        if (run === signIn) await signedIn(result);
      } catch (error) {
        say(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`, "error");
      } finally {
        submit.disabled = false;
      }
    });
    say("", "");
  } catch (error) {
    say(`Could not start the sign-in: ${error instanceof Error ? error.message : String(error)}`, "error");
  }
}

/** Countdowns tick down in place between reloads. */
function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll(".countdown[data-until]")) el.textContent = duration(Number(/** @type {HTMLElement} */ (el).dataset.until) - now);
}

function wire() {
  wireAdminKey(load);
  $("add").addEventListener("click", () => void add($("tokens").value));
  $("token-file").addEventListener("change", async (/** @type {Event} */ event) => {
    const file = /** @type {HTMLInputElement} */ (event.target).files?.[0];
    if (file) await add(await file.text());
  });
  $("refresh-all").addEventListener("click", () =>
    act(async () => {
      const r = await adminApi("POST", "/refresh");
      say(`Refreshed ${r.refreshed}, failed ${r.failed}, skipped ${r.skipped}${r.failures.length ? `: ${r.failures.map((/** @type {any} */ f) => `${f.label} (${f.reason})`).join("; ")}` : ""}`, r.failed ? "error" : "ok");
    }, false),
  );
  $("codex-device").addEventListener("click", () => void startDevice());
  $("codex-pkce").addEventListener("click", () => void startPkce());
  $("reload").addEventListener("click", () => void load());
  setInterval(tick, 1000);
  void load();
}

wire();
