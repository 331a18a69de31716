/**
 * @module The chat playground at `/`: the public /v1 API only (models, streamed chat completions), with the key the
 * user types (kept in sessionStorage) and conversations kept in localStorage. Model output is shown only through
 * renderMarkdown, which escapes everything it does not write itself.
 */
import { escapeHtml, renderMarkdown } from "./markdown.js";

const base = document.querySelector('meta[name="chat2api-base"]')?.getAttribute("content") ?? "";
const KEY = "chat2api.apiKey";
/** The console's admin key, set by its management pages in this tab: ADMIN_KEY also serves the pool on /v1. */
const ADMIN_KEY = "chat2api.adminKey";
const STORE = "chat2api.conversations";
const PREFS = "chat2api.playground";
const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

/** @typedef {{ id: string, name: string, arguments: string }} ToolCall */
/** @typedef {{ role: "user" | "assistant", content: string, images?: string[], reasoning?: string, toolCalls?: ToolCall[], error?: string, usage?: string }} Message */
/** @typedef {{ id: string, title: string, messages: Message[], updatedAt: number }} Conversation */

/** @type {Conversation[]} */
let conversations = load(STORE, []);
/** @type {Conversation} */
let current = conversations[0] ?? fresh();
/** @type {string[]} */
let pending = [];
/** @type {AbortController | null} */
let inFlight = null;

function load(/** @type {string} */ name, /** @type {any} */ fallback) {
  try {
    return JSON.parse(localStorage.getItem(name) ?? "null") ?? fallback;
  } catch {
    return fallback;
  }
}

function fresh() {
  return { id: crypto.randomUUID(), title: "New chat", messages: [], updatedAt: Date.now() };
}

function save() {
  if (current.messages.length && !conversations.includes(current)) conversations.unshift(current);
  current.updatedAt = Date.now();
  try {
    localStorage.setItem(STORE, JSON.stringify(conversations));
  } catch {
    // images make conversations large: keep the text when the browser's quota is reached
    const slim = conversations.map((c) => ({ ...c, messages: c.messages.map((m) => ({ ...m, images: m.images?.filter((url) => !url.startsWith("data:")) })) }));
    try {
      localStorage.setItem(STORE, JSON.stringify(slim));
      say("Stored without the pasted images: the browser's storage is full.", "muted");
    } catch {
      say("Could not store the conversation: the browser's storage is full.", "error");
    }
  }
  listConversations();
}

function say(/** @type {string} */ text, kind = "") {
  $("status").textContent = text;
  $("status").className = kind;
}

function savePrefs() {
  const prefs = { model: $("model").value, system: $("system").value, temperature: $("temperature").value, maxTokens: $("max-tokens").value, effort: $("effort").value, tools: $("tools").value };
  localStorage.setItem(PREFS, JSON.stringify(prefs));
}

function restorePrefs() {
  const prefs = load(PREFS, {});
  $("system").value = prefs.system ?? "";
  $("temperature").value = prefs.temperature ?? "";
  $("max-tokens").value = prefs.maxTokens ?? "";
  $("effort").value = prefs.effort ?? "";
  $("tools").value = prefs.tools ?? "";
  return prefs;
}

function authHeaders() {
  const key = sessionStorage.getItem(KEY);
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** The message of an OpenAI-shaped error answer, or the status. */
async function errorText(/** @type {Response} */ response) {
  const text = await response.text();
  try {
    return `${response.status}: ${JSON.parse(text).error.message}`;
  } catch {
    return `${response.status}: ${text.slice(0, 300) || response.statusText}`;
  }
}

async function loadModels(/** @type {string | undefined} */ wanted) {
  const select = $("model");
  const keep = wanted ?? select.value;
  try {
    const response = await fetch(`${base}/v1/models`, { headers: authHeaders() });
    if (!response.ok) throw new Error(await errorText(response));
    /** @type {{ data: Array<{ id: string, owned_by?: string }> }} */
    const { data } = await response.json();
    /** @type {Map<string, string[]>} */
    const groups = new Map();
    for (const model of data) groups.set(model.owned_by ?? "models", [...(groups.get(model.owned_by ?? "models") ?? []), model.id]);
    select.replaceChildren();
    for (const [owner, ids] of groups) {
      const group = document.createElement("optgroup");
      group.label = owner === "chatgpt-codex" ? "Codex engine" : owner === "chatgpt" || owner === "openai" ? "Web engine" : owner;
      for (const id of ids) group.append(new Option(id, id));
      select.append(group);
    }
    if (keep && data.some((m) => m.id === keep)) select.value = keep;
    say(`${data.length} models`, "muted");
  } catch (error) {
    say(`Could not load the models: ${error instanceof Error ? error.message : error}`, "error");
  }
}

function listConversations() {
  const select = $("conversations");
  select.replaceChildren(...[current, ...conversations.filter((c) => c !== current)].map((c) => new Option(c.title, c.id)));
  select.value = current.id;
}

/** @param {Message} message @param {number} index */
function messageElement(message, index) {
  const box = document.createElement("article");
  box.className = `message ${message.role}${message.error ? " error-reply" : ""}`;
  box.dataset.index = String(index);
  const who = document.createElement("div");
  who.className = "who";
  const name = document.createElement("span");
  name.textContent = message.role === "user" ? "You" : "Assistant";
  const copy = document.createElement("button");
  copy.type = "button";
  copy.className = "copy";
  copy.textContent = "Copy";
  copy.addEventListener("click", async () => {
    await navigator.clipboard.writeText(message.content).then(() => say("Copied.", "muted"), () => say("The browser refused the clipboard.", "error"));
  });
  who.append(name, copy);
  const body = document.createElement("div");
  body.className = "body";
  box.append(who, body);
  fillBody(body, message);
  return box;
}

/** @param {HTMLElement} body @param {Message} message */
function fillBody(body, message) {
  let html = "";
  if (message.reasoning) {
    html += `<details class="reasoning"><summary>Reasoning</summary><div class="text">${escapeHtml(message.reasoning)}</div></details>`;
  }
  html += message.role === "user" ? `<p>${escapeHtml(message.content).replace(/\n/g, "<br>")}</p>` : renderMarkdown(message.content);
  for (const url of message.images ?? []) html += `<img src="${escapeHtml(url)}" alt="attached image">`;
  for (const call of message.toolCalls ?? []) {
    let args = call.arguments;
    try {
      args = JSON.stringify(JSON.parse(call.arguments), null, 2);
    } catch {
      // still streaming, or not JSON: shown as it came
    }
    html += `<div class="tool-call"><strong>Tool call</strong> <code class="tool-name">${escapeHtml(call.name)}</code><pre><code>${escapeHtml(args)}</code></pre></div>`;
  }
  if (message.error) html += `<p class="error">${escapeHtml(message.error)}</p>`;
  if (message.usage) html += `<div class="usage">${escapeHtml(message.usage)}</div>`;
  body.innerHTML = html;
}

function renderConversation() {
  $("messages").replaceChildren(...current.messages.map(messageElement));
}

/** The /v1 messages of the conversation: images as image_url parts; a tool call answered by a note that nothing ran it. */
function apiMessages() {
  /** @type {any[]} */
  const messages = [];
  const system = $("system").value.trim();
  if (system) messages.push({ role: "system", content: system });
  for (const message of current.messages) {
    if (message.error && !message.content && !message.toolCalls?.length) continue;
    if (message.role === "user") {
      const images = message.images ?? [];
      messages.push({
        role: "user",
        content: images.length ? [{ type: "text", text: message.content }, ...images.map((url) => ({ type: "image_url", image_url: { url } }))] : message.content,
      });
    } else if (message.toolCalls?.length) {
      messages.push({ role: "assistant", content: message.content || null, tool_calls: message.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) });
      for (const call of message.toolCalls) messages.push({ role: "tool", tool_call_id: call.id, content: "The playground does not run tools." });
    } else {
      messages.push({ role: "assistant", content: message.content });
    }
  }
  return messages;
}

function requestBody() {
  /** @type {Record<string, unknown>} */
  const body = { model: $("model").value, messages: apiMessages(), stream: true, stream_options: { include_usage: true } };
  if ($("temperature").value !== "") body.temperature = Number($("temperature").value);
  if ($("max-tokens").value !== "") body.max_tokens = Number($("max-tokens").value);
  if ($("effort").value) body.reasoning_effort = $("effort").value;
  const tools = $("tools").value.trim();
  if (tools) {
    const parsed = JSON.parse(tools);
    if (!Array.isArray(parsed)) throw new Error("Tools must be a JSON array.");
    if (parsed.length) body.tools = parsed;
  }
  return body;
}

/** Server-sent events of a fetch body, one parsed `data:` payload at a time, until `[DONE]`. */
async function* events(/** @type {ReadableStream<Uint8Array>} */ stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
      const data = event.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      if (!data) continue;
      if (data === "[DONE]") return;
      yield JSON.parse(data);
    }
  }
}

/** Streams one assistant reply into the conversation. */
async function complete() {
  let body;
  try {
    body = requestBody();
  } catch (error) {
    say(`The tools are not valid JSON: ${error instanceof Error ? error.message : error}`, "error");
    return;
  }
  if (!body.model) {
    say("Choose a model first (enter a key and reload the models).", "error");
    return;
  }
  /** @type {Message} */
  const reply = { role: "assistant", content: "" };
  current.messages.push(reply);
  const element = messageElement(reply, current.messages.length - 1);
  $("messages").append(element);
  const replyBody = /** @type {HTMLElement} */ (element.querySelector(".body"));
  let frame = 0;
  const paint = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      fillBody(replyBody, reply);
    });
  };
  inFlight = new AbortController();
  busy(true);
  say("Waiting for the reply…", "muted");
  try {
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...authHeaders() },
      body: JSON.stringify(body),
      signal: inFlight.signal,
    });
    if (!response.ok || !response.body) throw new Error(await errorText(response));
    /** @type {ToolCall[]} */
    const calls = [];
    for await (const chunk of events(response.body)) {
      if (chunk.error) throw new Error(chunk.error.message ?? "the stream ended with an error");
      const delta = chunk.choices?.[0]?.delta ?? {};
      if (delta.reasoning_content) reply.reasoning = (reply.reasoning ?? "") + delta.reasoning_content;
      if (delta.content) reply.content += delta.content;
      for (const part of delta.tool_calls ?? []) {
        const call = (calls[part.index ?? 0] ??= { id: "", name: "", arguments: "" });
        if (part.id) call.id = part.id;
        if (part.function?.name) call.name += part.function.name;
        if (part.function?.arguments) call.arguments += part.function.arguments;
        reply.toolCalls = calls.filter(Boolean);
      }
      if (chunk.usage) reply.usage = `${chunk.usage.prompt_tokens} tokens in · ${chunk.usage.completion_tokens} out`;
      paint();
    }
    say("", "");
  } catch (error) {
    if (inFlight?.signal.aborted) {
      reply.error = "Stopped.";
      say("Stopped.", "muted");
    } else {
      reply.error = error instanceof Error ? error.message : String(error);
      say("The request failed.", "error");
    }
  } finally {
    inFlight = null;
    busy(false);
    cancelAnimationFrame(frame);
    frame = 0;
    fillBody(replyBody, reply);
    element.classList.toggle("error-reply", Boolean(reply.error && reply.error !== "Stopped."));
    save();
  }
}

function busy(/** @type {boolean} */ on) {
  $("send").disabled = on;
  $("regenerate").disabled = on;
  $("stop").disabled = !on;
}

async function send() {
  const text = $("prompt").value.trim();
  if (!text && !pending.length) return;
  if (inFlight) return;
  /** @type {Message} */
  const message = { role: "user", content: text };
  if (pending.length) message.images = pending;
  if (!current.messages.length) current.title = (text || "Image").slice(0, 60);
  current.messages.push(message);
  pending = [];
  showAttachments();
  $("prompt").value = "";
  $("messages").append(messageElement(message, current.messages.length - 1));
  save();
  await complete();
}

async function regenerate() {
  if (inFlight) return;
  while (current.messages.at(-1)?.role === "assistant") current.messages.pop();
  if (!current.messages.length) return;
  renderConversation();
  await complete();
}

function showAttachments() {
  const box = $("attachments");
  box.replaceChildren(
    ...pending.map((url, i) => {
      const figure = document.createElement("figure");
      const img = document.createElement("img");
      img.src = url;
      img.alt = "image to send";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.title = "Remove";
      remove.addEventListener("click", () => {
        pending.splice(i, 1);
        showAttachments();
      });
      figure.append(img, remove);
      return figure;
    }),
  );
}

async function attachFiles(/** @type {Iterable<File>} */ files) {
  for (const file of files) {
    if (!file.type.startsWith("image/")) continue;
    const url = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
    pending.push(/** @type {string} */ (url));
  }
  showAttachments();
}

function wire() {
  const prefs = restorePrefs();
  $("api-key").value = sessionStorage.getItem(KEY) ?? "";
  $("api-key").addEventListener("change", () => {
    sessionStorage.setItem(KEY, $("api-key").value.trim());
    void loadModels();
  });
  const adminKey = sessionStorage.getItem(ADMIN_KEY);
  $("use-admin").hidden = !adminKey;
  $("use-admin").addEventListener("click", () => {
    const key = sessionStorage.getItem(ADMIN_KEY) ?? "";
    $("api-key").value = key;
    sessionStorage.setItem(KEY, key);
    void loadModels();
  });
  $("reload-models").addEventListener("click", () => void loadModels());
  for (const id of ["model", "system", "temperature", "max-tokens", "effort", "tools"]) $(id).addEventListener("change", savePrefs);
  $("composer").addEventListener("submit", (/** @type {Event} */ event) => {
    event.preventDefault();
    void send();
  });
  $("prompt").addEventListener("keydown", (/** @type {KeyboardEvent} */ event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  });
  $("prompt").addEventListener("paste", (/** @type {ClipboardEvent} */ event) => {
    const files = [...(event.clipboardData?.files ?? [])].filter((f) => f.type.startsWith("image/"));
    if (files.length) {
      event.preventDefault();
      void attachFiles(files);
    }
  });
  const composer = $("composer");
  composer.addEventListener("dragover", (/** @type {DragEvent} */ event) => {
    event.preventDefault();
    composer.classList.add("dragging");
  });
  composer.addEventListener("dragleave", () => composer.classList.remove("dragging"));
  composer.addEventListener("drop", (/** @type {DragEvent} */ event) => {
    event.preventDefault();
    composer.classList.remove("dragging");
    void attachFiles(event.dataTransfer?.files ?? []);
  });
  $("image-file").addEventListener("change", () => {
    void attachFiles($("image-file").files ?? []);
    $("image-file").value = "";
  });
  $("add-image-url").addEventListener("click", () => {
    const url = $("image-url").value.trim();
    // a remote image is sent as its URL for the server to fetch: the page itself reaches no other host
    if (!/^(https?:\/\/|data:image\/)/i.test(url)) return say("An image URL starts with http://, https:// or data:image/.", "error");
    pending.push(url);
    $("image-url").value = "";
    showAttachments();
  });
  $("stop").addEventListener("click", () => inFlight?.abort());
  $("regenerate").addEventListener("click", () => void regenerate());
  $("new-chat").addEventListener("click", () => {
    current = fresh();
    listConversations();
    renderConversation();
  });
  $("delete-chat").addEventListener("click", () => {
    conversations = conversations.filter((c) => c !== current);
    current = conversations[0] ?? fresh();
    save();
    renderConversation();
  });
  $("conversations").addEventListener("change", () => {
    current = conversations.find((c) => c.id === $("conversations").value) ?? current;
    renderConversation();
  });
  if (matchMedia("(max-width: 899px)").matches) $("settings").open = !sessionStorage.getItem(KEY);
  listConversations();
  renderConversation();
  busy(false);
  void loadModels(prefs.model);
}

wire();
