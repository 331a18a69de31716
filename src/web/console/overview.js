/**
 * @module The overview page: GET /admin/api/stats over 1 h, 24 h or 7 d — totals and latency percentiles as tiles,
 * requests/errors and tokens over time as uPlot charts (window.uPlot, from uplot.js), per model, accounts by state,
 * the soonest quota resets with countdowns.
 */
import { $, adminApi, duration, number, say, windowName, wireAdminKey } from "./admin-api.js";
import { escapeHtml } from "./markdown.js";

/** @typedef {{ requests: number, errors: number, promptTokens: number, completionTokens: number }} Totals */
/** @typedef {{ p50: number | null, p90: number | null, p99: number | null }} Percentiles */
/** @typedef {Totals & { start: number }} Bucket */
/** @typedef {{ range: string, since: number, until: number, bucketMs: number, buckets: Bucket[], totals: Totals, engines: (Totals & { engine: string | null, avgLatencyMs: number })[], models: (Totals & { engine: string | null, model: string, avgLatencyMs: number })[], latencyMs: Percentiles, ttftMs: Percentiles, accounts: Record<string, number>, quotaResets: { accountId: string, label: string, windowMinutes: number, usedPercent: number, resetsAt: number }[] }} Stats */

const RANGE_KEY = "chat2api.overviewRange";
let range = sessionStorage.getItem(RANGE_KEY) ?? "24h";
/** @type {any[]} */
let charts = [];
/** @type {Stats | null} */
let shown = null;

const plural = (/** @type {number} */ n, /** @type {string} */ what) => `${number(n)} ${what}${n === 1 ? "" : "s"}`;
const ms = (/** @type {number | null} */ v) => (v === null ? "–" : `${number(v)} ms`);

function tile(/** @type {string} */ name, /** @type {string} */ value, /** @type {string} */ note = "", kind = "") {
  return `<div class="tile ${kind}" data-tile="${escapeHtml(name)}"><div class="muted">${escapeHtml(name)}</div><strong>${escapeHtml(value)}</strong>${note ? `<div class="muted">${escapeHtml(note)}</div>` : ""}</div>`;
}

function showTiles(/** @type {Stats} */ s) {
  const t = s.totals;
  const rate = t.requests ? `${((100 * t.errors) / t.requests).toFixed(1)}% of requests` : "";
  $("tiles").innerHTML = [
    tile("Requests", number(t.requests)),
    tile("Errors", number(t.errors), rate, t.errors ? "bad" : ""),
    tile("Tokens in / out", `${number(t.promptTokens)} / ${number(t.completionTokens)}`),
    tile("Latency p50 · p90 · p99", `${ms(s.latencyMs.p50)} · ${ms(s.latencyMs.p90)} · ${ms(s.latencyMs.p99)}`),
    tile("First token p50 · p90", `${ms(s.ttftMs.p50)} · ${ms(s.ttftMs.p90)}`),
  ].join("");
}

/** @param {Totals & { avgLatencyMs: number }} t */
const line = (t) => `${plural(t.requests, "request")}${t.errors ? ` · <span class="error">${plural(t.errors, "error")}</span>` : ""} · ${number(t.promptTokens + t.completionTokens)} tokens · avg ${ms(t.avgLatencyMs)}`;
const engineName = (/** @type {string | null} */ e) => (e === null ? "before an engine" : e);

function showModels(/** @type {Stats} */ s) {
  $("engines").innerHTML = s.engines.map((e) => `<div class="item" data-engine="${escapeHtml(engineName(e.engine))}"><strong>${escapeHtml(engineName(e.engine))}</strong><span>${line(e)}</span></div>`).join("");
  $("models").innerHTML = s.models.length
    ? s.models.map((m) => `<div class="item" data-model="${escapeHtml(m.model)}"><strong>${escapeHtml(m.model)}</strong> <span class="muted">${escapeHtml(engineName(m.engine))}</span><span>${line(m)}</span></div>`).join("")
    : `<div class="muted">No requests in this range.</div>`;
}

function showAccounts(/** @type {Stats} */ s) {
  const a = s.accounts;
  $("accounts").innerHTML = [
    tile("Active", number(a.active ?? 0)),
    tile("Cooling down", number(a.coolingDown ?? 0), "", a.coolingDown ? "warn" : ""),
    tile("Disabled", number(a.disabled ?? 0)),
    tile("Failed", number(a.failed ?? 0), "", a.failed ? "bad" : ""),
    tile("Web engine", number(a.web ?? 0)),
    tile("Codex engine", number(a.codex ?? 0)),
  ].join("");
  showResets(s);
}

function showResets(/** @type {Stats} */ s) {
  const now = Date.now();
  $("resets").innerHTML = s.quotaResets.length
    ? s.quotaResets
        .map((r) => `<div class="item"><strong>${escapeHtml(r.label)}</strong><span>${escapeHtml(windowName(r.windowMinutes))} window, ${Math.round(r.usedPercent)}% used · resets in <span class="countdown">${escapeHtml(duration(r.resetsAt - now))}</span></span></div>`)
        .join("")
    : `<div class="muted">No quota window reported yet.</div>`;
}

/** Time labels of the x axis: clock time within a day, the date beyond. */
function axisValues(/** @type {Stats} */ s) {
  const long = s.until - s.since > 26 * 3600_000;
  return (/** @type {unknown} */ _u, /** @type {number[]} */ ticks) =>
    ticks.map((sec) => {
      const d = new Date(sec * 1000);
      return long ? `${d.getMonth() + 1}/${d.getDate()} ${String(d.getHours()).padStart(2, "0")}h` : `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    });
}

function drawCharts(/** @type {Stats} */ s) {
  for (const chart of charts) chart.destroy();
  charts = [];
  const uPlot = /** @type {any} */ (window).uPlot;
  if (!uPlot) return say("The chart library did not load.", "error");
  const x = s.buckets.map((b) => b.start / 1000);
  const series = (/** @type {string} */ label, /** @type {string} */ stroke, fill = "") => ({ label, stroke, width: 2, ...(fill ? { fill } : {}), points: { show: false } });
  const make = (/** @type {string} */ id, /** @type {any[]} */ lines, /** @type {number[][]} */ ys) => {
    const box = $(id);
    box.replaceChildren();
    const width = Math.max(200, box.clientWidth);
    const options = {
      width,
      height: 200,
      series: [{}, ...lines],
      axes: [{ values: axisValues(s), size: 30 }, { size: 50 }],
      scales: { y: { range: (/** @type {unknown} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => [0, Math.max(1, max)] } },
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    };
    charts.push(new uPlot(options, [x, ...ys], box));
  };
  make("chart-requests", [series("Requests", "#0b57d0", "rgba(11,87,208,.08)"), series("Errors", "#b3261e")], [s.buckets.map((b) => b.requests), s.buckets.map((b) => b.errors)]);
  make("chart-tokens", [series("In", "#137333"), series("Out", "#8a4fff")], [s.buckets.map((b) => b.promptTokens), s.buckets.map((b) => b.completionTokens)]);
}

async function load() {
  for (const b of document.querySelectorAll("[data-range]")) b.setAttribute("aria-pressed", String(/** @type {HTMLElement} */ (b).dataset.range === range));
  try {
    /** @type {Stats} */
    const s = await adminApi("GET", `/stats?range=${encodeURIComponent(range)}`);
    shown = s;
    showTiles(s);
    showModels(s);
    showAccounts(s);
    drawCharts(s);
    say(`${s.range}: ${new Date(s.since).toLocaleString()} – now`, "muted");
    document.body.dataset.loaded = s.range;
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), "error");
  }
}

function wire() {
  wireAdminKey(load);
  for (const b of document.querySelectorAll("[data-range]")) {
    b.addEventListener("click", () => {
      range = /** @type {HTMLElement} */ (b).dataset.range ?? "24h";
      sessionStorage.setItem(RANGE_KEY, range);
      void load();
    });
  }
  $("reload").addEventListener("click", () => void load());
  // charts follow the card's width (a phone turned, a window resized)
  let resizing = 0;
  addEventListener("resize", () => {
    cancelAnimationFrame(resizing);
    resizing = requestAnimationFrame(() => shown && drawCharts(shown));
  });
  setInterval(() => shown && showResets(shown), 1000);
  void load();
}

wire();
