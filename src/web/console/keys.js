/**
 * @module The client keys page: the management API under /admin/api/keys with the admin key typed into the page
 * (sessionStorage, shared with the other management pages, admin-api.js). Lists keys with their usage, creates (the secret shown once),
 * edits name, expiry, models and limits, rotates and revokes.
 */
import { $, adminApi, number, say, wireAdminKey } from "./admin-api.js";
import { escapeHtml } from "./markdown.js";

const LIMITS = /** @type {const} */ ([
  ["requestsPerMinute", "Requests / minute"],
  ["tokensPerMinute", "Tokens / minute"],
  ["concurrentRequests", "Concurrent requests"],
  ["tokensPerDay", "Tokens / day"],
]);

/** @typedef {{ id: string, name: string, hint: string, status: string, models: string[], createdAt: number, expiresAt: number | null, revokedAt: number | null, rotatedAt: number | null, requestsPerMinute: number | null, tokensPerMinute: number | null, concurrentRequests: number | null, tokensPerDay: number | null }} Key */
/** @typedef {{ day: string, requests: number, promptTokens: number, completionTokens: number, totalTokens: number }} UsageDay */

/** The keys part of the management API. */
const api = (/** @type {string} */ method, /** @type {string} */ path, /** @type {unknown} */ body = undefined) => adminApi(method, `/keys${path}`, body);

/** epoch ms → the value of a datetime-local input, in local time. */
function localInput(/** @type {number | null} */ ms) {
  if (ms === null) return "";
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

const when = (/** @type {number | null} */ ms) => (ms === null ? "never" : new Date(ms).toLocaleString());
const requests = (/** @type {number} */ n) => `${number(n)} request${n === 1 ? "" : "s"}`;

/** The settings inputs of a key (the create form's when `key` is absent). */
function settingsFields(/** @type {Key | undefined} */ key) {
  const value = (/** @type {unknown} */ v) => (v === null || v === undefined ? "" : escapeHtml(String(v)));
  return `
    <label>Name<input type="text" name="name" required maxlength="200" value="${value(key?.name)}" placeholder="who or what it is for"></label>
    <div class="grid">
      <label>Expires<input type="datetime-local" name="expiresAt" value="${key ? localInput(key.expiresAt) : ""}"></label>
      ${LIMITS.map(([field, label]) => `<label>${label}<input type="number" min="1" step="1" name="${field}" value="${value(key?.[field])}" placeholder="no limit"></label>`).join("")}
    </div>
    <label>Models <span class="muted">(comma-separated; empty: every model)</span><input type="text" name="models" value="${value(key?.models.join(", "))}"></label>`;
}

/** The body of a create or a change from a settings form: an empty field is no limit (null). */
function readSettings(/** @type {HTMLFormElement} */ form) {
  const get = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
  /** @type {Record<string, unknown>} */
  const body = { name: get("name") };
  body.expiresAt = get("expiresAt") ? new Date(get("expiresAt")).getTime() : null;
  body.models = get("models").split(/[\s,]+/).filter(Boolean);
  for (const [field] of LIMITS) body[field] = get(field) ? Number(get(field)) : null;
  return body;
}

function showSecret(/** @type {string} */ what, /** @type {string} */ secret) {
  const box = $("secret");
  box.innerHTML = `<strong>${escapeHtml(what)}</strong> Copy it now: it is shown this once.<code id="secret-value">${escapeHtml(secret)}</code>
    <div class="row"><button type="button" id="copy-secret">Copy</button><button type="button" id="dismiss-secret">Done</button></div>`;
  $("copy-secret").addEventListener("click", () => navigator.clipboard.writeText(secret).then(() => say("Copied.", "ok"), () => say("The browser refused the clipboard: select the key and copy it.", "error")));
  $("dismiss-secret").addEventListener("click", () => box.replaceChildren());
}

/** @param {Key} key @param {UsageDay[]} usage */
function card(key, usage) {
  const today = usage.at(-1) ?? { requests: 0, totalTokens: 0, promptTokens: 0, completionTokens: 0 };
  const week = usage.reduce((sum, d) => ({ requests: sum.requests + d.requests, tokens: sum.tokens + d.totalTokens }), { requests: 0, tokens: 0 });
  const limits = LIMITS.filter(([field]) => key[field] !== null).map(([field, label]) => `${label}: ${number(/** @type {number} */ (key[field]))}`);
  const box = document.createElement("section");
  box.className = "card key";
  box.dataset.id = key.id;
  box.innerHTML = `
    <h3>${escapeHtml(key.name)}</h3>
    <div><span class="status status-${escapeHtml(key.status)}">${escapeHtml(key.status)}</span> · <code class="hint">${escapeHtml(key.hint)}</code></div>
    <dl>
      <dt>Today</dt><dd class="usage-today">${requests(today.requests)} · ${number(today.totalTokens)} tokens</dd>
      <dt>7 days</dt><dd class="usage-week">${requests(week.requests)} · ${number(week.tokens)} tokens</dd>
      <dt>Models</dt><dd class="models">${key.models.length ? escapeHtml(key.models.join(", ")) : "every model"}</dd>
      <dt>Limits</dt><dd class="limits">${limits.length ? escapeHtml(limits.join(" · ")) : "none"}</dd>
      <dt>Expires</dt><dd>${escapeHtml(when(key.expiresAt))}</dd>
      <dt>Created</dt><dd>${escapeHtml(when(key.createdAt))}${key.rotatedAt ? ` · rotated ${escapeHtml(when(key.rotatedAt))}` : ""}${key.revokedAt ? ` · revoked ${escapeHtml(when(key.revokedAt))}` : ""}</dd>
    </dl>
    <div class="row actions"></div>`;
  const actions = /** @type {HTMLElement} */ (box.querySelector(".actions"));
  if (key.status !== "revoked") {
    actions.append(button("Edit", () => edit(box, key)), button("Rotate", () => rotate(key)), button("Revoke", () => revoke(key)));
  }
  return box;
}

function button(/** @type {string} */ label, /** @type {() => unknown} */ action) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", () => void action());
  return b;
}

function edit(/** @type {HTMLElement} */ box, /** @type {Key} */ key) {
  if (box.querySelector("form")) return;
  const form = document.createElement("form");
  form.className = "edit";
  form.innerHTML = `${settingsFields(key)}<div class="row"><button class="primary" type="submit">Save</button><button type="button" class="cancel">Cancel</button></div>`;
  form.querySelector(".cancel")?.addEventListener("click", () => form.remove());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await act(async () => {
      await api("PATCH", `/${encodeURIComponent(key.id)}`, readSettings(form));
      say(`Saved "${readSettings(form).name}".`, "ok");
    });
  });
  box.append(form);
}

async function rotate(/** @type {Key} */ key) {
  if (!confirm(`Give "${key.name}" a new secret? The current one stops working at once.`)) return;
  await act(async () => {
    const { secret } = await api("POST", `/${encodeURIComponent(key.id)}/rotate`);
    showSecret(`New secret of "${key.name}".`, secret);
    say("Rotated.", "ok");
  });
}

async function revoke(/** @type {Key} */ key) {
  if (!confirm(`Revoke "${key.name}"? It answers 401 from now on.`)) return;
  await act(async () => {
    await api("DELETE", `/${encodeURIComponent(key.id)}`);
    say(`Revoked "${key.name}".`, "ok");
  });
}

/** Runs a change, reports a failure, and shows the list as it now is. */
async function act(/** @type {() => Promise<void>} */ change) {
  try {
    await change();
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), "error");
    return;
  }
  await load(false);
}

async function load(announce = true) {
  try {
    /** @type {{ data: Key[] }} */
    const { data } = await api("GET", "");
    const usages = await Promise.all(data.map((key) => api("GET", `/${encodeURIComponent(key.id)}/usage?days=7`).then((u) => /** @type {UsageDay[]} */ (u.data))));
    // active keys first, newest first within a status
    const order = { active: 0, expired: 1, revoked: 2 };
    const rows = data.map((key, i) => ({ key, usage: usages[i] ?? [] }));
    rows.sort((a, b) => (order[/** @type {keyof typeof order} */ (a.key.status)] ?? 3) - (order[/** @type {keyof typeof order} */ (b.key.status)] ?? 3) || b.key.createdAt - a.key.createdAt);
    $("keys").replaceChildren(...rows.map(({ key, usage }) => card(key, usage)));
    $("count").textContent = `(${data.length})`;
    if (announce) say("", "");
  } catch (error) {
    $("keys").replaceChildren();
    $("count").textContent = "";
    say(error instanceof Error ? error.message : String(error), "error");
  }
}

function wire() {
  wireAdminKey(() => void load());
  const form = $("create-form");
  form.innerHTML = `${settingsFields(undefined)}<div class="row"><button id="create" class="primary" type="submit">Create key</button></div>`;
  form.addEventListener("submit", async (/** @type {Event} */ event) => {
    event.preventDefault();
    await act(async () => {
      const body = Object.fromEntries(Object.entries(readSettings(form)).filter(([, v]) => v !== null));
      const { key, secret } = await api("POST", "", body);
      showSecret(`The key "${key.name}":`, secret);
      form.reset();
      say("Created.", "ok");
    });
  });
  $("reload").addEventListener("click", () => void load());
  void load();
}

wire();
