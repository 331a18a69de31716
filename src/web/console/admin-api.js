/**
 * @module What the management pages (overview, accounts, client keys, requests) share: the management API under
 * /admin/api with the admin key typed into a page (sessionStorage, shared by them all and /tokens), the status line,
 * and numbers and durations in words.
 */

export const base = document.querySelector('meta[name="chat2api-base"]')?.getAttribute("content") ?? "";
const KEY = "chat2api.adminKey";
export const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

export function say(/** @type {string} */ text, kind = "") {
  $("message").textContent = text;
  $("message").className = kind;
}

/** The headers of a management call: JSON accepted, the tab's admin key as the bearer. */
export function adminHeaders() {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json" };
  const key = sessionStorage.getItem(KEY);
  if (key) headers.authorization = `Bearer ${key}`;
  return headers;
}

/** Calls the management API; throws the answer's error message. */
export async function adminApi(/** @type {string} */ method, /** @type {string} */ path, /** @type {unknown} */ body = undefined) {
  const headers = adminHeaders();
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}/admin/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }).catch((/** @type {Error} */ e) => {
    throw new Error(`chat2api did not answer (${e.message})`);
  });
  /** @type {any} */
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new Error(json?.error?.message ?? `${response.status} ${response.statusText}`);
  return json;
}

/** Wires the admin-key box: the saved key fills it; "Use key" saves it and calls `reload`. */
export function wireAdminKey(/** @type {() => unknown} */ reload) {
  $("admin-key").value = sessionStorage.getItem(KEY) ?? "";
  $("save-key").addEventListener("click", () => {
    sessionStorage.setItem(KEY, $("admin-key").value.trim());
    reload();
  });
}

/** A span of ms in words: "3 h 20 min", "45 s". */
export function duration(/** @type {number} */ ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A quota window's length in words: 300 → "5 h", 10080 → "weekly". */
export const windowName = (/** @type {number} */ minutes) => (minutes === 10080 ? "weekly" : minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`);

export const number = (/** @type {number} */ n) => n.toLocaleString("en");
