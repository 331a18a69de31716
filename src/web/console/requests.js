/**
 * @module The requests page: the request log through /admin/api/requests with the admin key typed into the page
 * (sessionStorage, shared with the other console pages). Filters become the query; a row opens onto the attempts
 * the request made; older pages load by cursor; the CSV is fetched with the key and saved from a blob.
 */
import { $, adminApi, adminHeaders, base, say, wireAdminKey } from "./admin-api.js";
import { escapeHtml } from "./markdown.js";


/** @typedef {{ accountId: string | null, accountLabel: string | null, outcome: string, status: number | null, kind: string | null, ms: number }} Attempt */
/** @typedef {{ id: number, at: number, requestId: string | null, clientKey: string, keyName: string | null, accountId: string | null, accountLabel: string | null, model: string, engine: string | null, status: number, error: string | null, promptTokens: number, completionTokens: number, latencyMs: number, ttftMs: number | null, attempts: Attempt[] }} Row */

/** @type {number | null} */
let next = null;

const api = (/** @type {string} */ path) => adminApi("GET", path);

/** The filter form as a query string (without limit and cursor). */
function filterQuery() {
  const form = /** @type {HTMLFormElement} */ ($("filters"));
  const query = new URLSearchParams();
  for (const name of ["key", "account", "model", "status", "engine"]) {
    const value = /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
    if (value) query.set(name, value);
  }
  for (const name of ["since", "until"]) {
    const value = /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value;
    if (value) query.set(name, String(new Date(value).getTime()));
  }
  return query;
}

const ms = (/** @type {number | null} */ n) => (n === null ? "–" : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(2)} s`);
const who = (/** @type {string | null} */ label, /** @type {string | null} */ id) => label ?? id ?? "own token / no login";

function attemptsHtml(/** @type {Row} */ row) {
  const ids = `<div class="ids">request <code>${escapeHtml(row.requestId ?? "(not recorded)")}</code>${row.error ? ` · error <code>${escapeHtml(row.error)}</code>` : ""}</div>`;
  if (row.attempts.length === 0) return `${ids}<div class="muted no-attempts">No upstream attempt: refused before one was made.</div>`;
  const items = row.attempts.map((a, i) => {
    const bad = a.outcome !== "success";
    const what = [a.outcome, a.status === null ? null : `HTTP ${a.status}`, a.kind && a.kind !== a.outcome ? a.kind : null].filter(Boolean).join(" · ");
    return `<li class="attempt${bad ? " bad" : ""}">#${i + 1} ${escapeHtml(who(a.accountLabel, a.accountId))}: <strong>${escapeHtml(what)}</strong> <span class="muted">${ms(a.ms)}</span></li>`;
  });
  return `${ids}<ol class="attempt-list">${items.join("")}</ol>`;
}

function rowElements(/** @type {Row} */ row) {
  const tr = document.createElement("tr");
  tr.className = `request ${row.status >= 400 ? "failed" : "succeeded"}`;
  tr.dataset.requestId = row.requestId ?? "";
  const cells = [
    ["Time", "time", escapeHtml(new Date(row.at).toLocaleString())],
    ["Status", "status", `${row.status}${row.error ? ` <span class="muted">${escapeHtml(row.error)}</span>` : ""}`],
    ["Model", "model", escapeHtml(row.model)],
    ["Engine", "engine", escapeHtml(row.engine ?? "–")],
    ["Key", "key", escapeHtml(row.keyName ?? row.clientKey)],
    ["Account", "account", escapeHtml(row.accountId === null ? "–" : who(row.accountLabel, row.accountId))],
    ["Latency", "latency", ms(row.latencyMs)],
    ["First token", "ttft", ms(row.ttftMs)],
    ["Tokens", "tokens", `${row.promptTokens} + ${row.completionTokens}`],
    ["Attempts", "attempts", `<button type="button" class="toggle" aria-expanded="false">${row.attempts.length} ▸</button>`],
  ];
  // one span per cell: on narrow screens a cell is a two-column grid of its label and its value
  tr.innerHTML = cells.map(([label, cls, html]) => `<td class="${cls}" data-label="${label}"><span>${html}</span></td>`).join("");
  const detail = document.createElement("tr");
  detail.className = "detail";
  detail.hidden = true;
  detail.innerHTML = `<td colspan="${cells.length}">${attemptsHtml(row)}</td>`;
  const toggle = /** @type {HTMLButtonElement} */ (tr.querySelector("button.toggle"));
  toggle.addEventListener("click", () => {
    detail.hidden = !detail.hidden;
    tr.classList.toggle("open", !detail.hidden);
    toggle.setAttribute("aria-expanded", String(!detail.hidden));
    toggle.textContent = `${row.attempts.length} ${detail.hidden ? "▸" : "▾"}`;
  });
  return [tr, detail];
}

async function load(/** @type {boolean} */ more = false) {
  try {
    const query = filterQuery();
    query.set("limit", "50");
    if (more && next !== null) query.set("cursor", String(next));
    /** @type {{ data: Row[], next: number | null }} */
    const page = await api(`/requests?${query}`);
    const body = $("requests").tBodies[0];
    const rows = page.data.flatMap(rowElements);
    if (more) body.append(...rows);
    else body.replaceChildren(...rows);
    next = page.next;
    $("more").hidden = next === null;
    $("count").textContent = `(${body.querySelectorAll("tr.request").length}${next === null ? "" : "+"})`;
    say("", "");
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), "error");
  }
}

/** The choices of the key and account filters, and the models seen, from the management API (best effort). */
async function loadChoices() {
  const fill = (/** @type {HTMLSelectElement} */ select, /** @type {Array<[string, string]>} */ options) => {
    const chosen = select.value;
    select.replaceChildren(new Option("any", ""), ...options.map(([value, label]) => new Option(label, value)));
    select.value = chosen;
  };
  const form = /** @type {HTMLFormElement} */ ($("filters"));
  try {
    const [keys, accounts] = await Promise.all([api("/keys"), api("/accounts")]);
    /** @type {Array<{ id: string, name: string }>} */
    const keyList = keys.data;
    /** @type {Array<{ id: string, label: string }>} */
    const accountList = accounts.data;
    fill(/** @type {HTMLSelectElement} */ (form.elements.namedItem("key")), [...keyList.map((k) => /** @type {[string, string]} */ ([k.id, k.name])), ["anonymous", "anonymous"]]);
    fill(/** @type {HTMLSelectElement} */ (form.elements.namedItem("account")), accountList.map((a) => [a.id, a.label]));
  } catch {
    // the table's load says what is wrong (most often the admin key)
  }
}

async function downloadCsv() {
  try {
    const response = await fetch(`${base}/admin/api/requests.csv?${filterQuery()}`, { headers: adminHeaders() });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = "chat2api-requests.csv";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), "error");
  }
}

function wire() {
  wireAdminKey(() => {
    void loadChoices();
    void load();
  });
  $("filters").addEventListener("submit", (/** @type {Event} */ event) => {
    event.preventDefault();
    void load();
  });
  $("clear").addEventListener("click", () => {
    $("filters").reset();
    void load();
  });
  $("more").addEventListener("click", () => void load(true));
  $("csv").addEventListener("click", () => void downloadCsv());
  void loadChoices();
  void load();
}

wire();
