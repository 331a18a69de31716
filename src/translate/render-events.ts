/**
 * @module Upstream events (cumulative message snapshots) → the reply as deltas: answer text, reasoning, code and
 * output fences, images, citations, and how it ended.
 *
 * Each message keeps how much of its raw text was already taken; every snapshot gives only what it added, which goes
 * through the message's {@link VisibleText} (what it settles is emitted), so an event costs its own text, never a
 * pass over the message so far: a long answer costs its length in time, and no copy of it is made. This is
 * chat2api's scheme without its defects (protocol §16): final text in a message's last event is rendered (16.1),
 * text and citations arriving together are both rendered (16.2), an error event fails the reply (16.3), a generated
 * image is rendered once (16.7), and a message first seen with text is rendered from its start.
 */
import type { ImageAssetPointer, UpstreamEvent, UpstreamMessage } from "../engines/web/events.ts";
import { createBlockWriter } from "./block-writer.ts";
import {
  classifyMessage,
  codeFenceLabel,
  imagePointers,
  messageCitations,
  messageRawSegments,
  messageRawText,
  type MessageKind,
} from "./classify-message.ts";
import { textAfter } from "./message-growth.ts";
import type { AssetRef, RenderedDelta } from "./rendered-delta.ts";
import { rewriteSandboxLinks, sandboxPaths, VisibleText, type ScanMeter } from "./visible-text.ts";

export type { AssetRef, RenderedDelta } from "./rendered-delta.ts";

export interface RendererOptions {
  /** `field`: reasoning as `reasoning` deltas; `inline`: as quoted `> ` lines in the content (chat2api's style). */
  reasoningDisplay: "field" | "inline";
  /** Looks up a download URL for a generated image or a sandbox file; null when there is none. */
  resolveAsset?: (ref: AssetRef) => Promise<string | null>;
  /** The model reasons (o-series, gpt-5-thinking): its tool-authored text is reasoning. */
  reasoningModel?: boolean;
  /** Counts the characters of message text looked at (tests, benches: the work must grow with the reply's length). */
  meter?: ScanMeter;
}

const REFUSAL_TEXT = "I'm sorry, but I can't help with that request.";
const IMAGE_FAILED_TEXT = "Failed to load the image.";
const EARLY_END_MESSAGE = "upstream stream ended early";

interface MessageState {
  /** Length of the raw text already taken (it only grows: a snapshot that shrank adds nothing until it outgrows it). */
  taken: number;
  visible: VisibleText;
  /** Inline reasoning: its first line was quoted already. */
  quoted: boolean;
  /** The last snapshot seen, to render what was held back once the message is over. */
  last: UpstreamMessage;
  conversationId: string | null;
  final: boolean;
  /** Image messages: the progress/image text built so far, the last progress step, pointers already rendered. */
  imageText: string;
  progress: number;
  imagesDone: Set<string>;
}

/** Continues quoting reasoning shown inline: `> ` opens the first line and every line after a newline. */
function quoteMore(text: string, state: MessageState): string {
  if (text === "") return "";
  const opening = state.quoted ? "" : "> ";
  state.quoted = true;
  return opening + text.replaceAll("\n", "\n> ");
}

function assetRefOf(pointer: ImageAssetPointer, state: MessageState): AssetRef | null {
  const [scheme, id] = pointer.asset_pointer.split("://", 2);
  if (!id || (scheme !== "file-service" && scheme !== "sediment")) return null;
  return { kind: scheme, id, conversationId: state.conversationId, messageId: state.last.id };
}

/** The prompt an image tool was called with: DALL·E keeps it on the image, 4o image generation only in the call. */
function toolCallPrompt(message: UpstreamMessage): string | null {
  try {
    const call: unknown = JSON.parse(messageRawText(message));
    const prompt = (call as { prompt?: unknown } | null)?.prompt;
    return typeof prompt === "string" && prompt !== "" ? prompt : null;
  } catch {
    return null;
  }
}

function pointerPrompt(pointer: ImageAssetPointer): string | null {
  const prompt = (pointer.metadata?.dalle as { prompt?: unknown } | undefined)?.prompt;
  return typeof prompt === "string" && prompt !== "" ? prompt : null;
}

/** 4o image generation streams partial images; their `metadata.generation.height` grows towards `height`. */
function generationProgress(pointer: ImageAssetPointer): number | null {
  const generation = pointer.metadata?.generation as { height?: unknown } | undefined;
  const done = generation?.height;
  if (typeof done !== "number" || !pointer.height) return null;
  return Math.min(100, (done / pointer.height) * 100);
}

function enqueueAll(controller: TransformStreamDefaultController<RenderedDelta>, deltas: RenderedDelta[]): void {
  for (const delta of deltas) controller.enqueue(delta);
}

export function createRenderer(options: RendererOptions): Transformer<UpstreamEvent, RenderedDelta> {
  const { reasoningDisplay, resolveAsset, reasoningModel = false, meter } = options;
  const content = createBlockWriter();
  const reasoning = createBlockWriter();
  const messages = new Map<string, MessageState>();
  const citationsShown = new Set<string>();
  const sandboxUrls = new Map<string, string | null>();
  let started = false;
  let ended = false;
  let contentShown = false;
  let upstreamComplete = false;
  let current: MessageState | null = null;
  let reported: { messageId: string; conversationId: string | null } | null = null;
  let toolPrompt: string | null = null;
  /** Some reasoning text was shown (either display): a later `reasoning_recap` is then only the UI's footnote. */
  let reasoningShown = false;

  async function resolve(ref: AssetRef): Promise<string | null> {
    return resolveAsset ? resolveAsset(ref) : null;
  }

  function emitContent(out: RenderedDelta[], owner: string, text: string, fence?: string): void {
    const written = content.write(owner, text, fence);
    if (written === "") return;
    contentShown = true;
    out.push({ type: "content", text: written });
  }

  function emitReasoning(out: RenderedDelta[], owner: string, text: string): void {
    if (text !== "") reasoningShown = true;
    if (reasoningDisplay === "inline") return emitContent(out, owner, text);
    const written = reasoning.write(owner, text);
    if (written !== "") out.push({ type: "reasoning", text: written });
  }

  /** The text with its sandbox links rewritten: a promise only while a link it names is still to be resolved. */
  function sandboxRewritten(text: string, state: MessageState): string | Promise<string> {
    // most growth names no sandbox file: no pattern to run over it then
    if (!text.includes("(sandbox:")) return text;
    const unresolved = sandboxPaths(text).filter((path) => !sandboxUrls.has(path));
    if (unresolved.length === 0) return rewriteSandboxLinks(text, sandboxUrls);
    return (async () => {
      for (const path of unresolved) {
        if (sandboxUrls.has(path)) continue;
        const ref: AssetRef = { kind: "sandbox", id: path, conversationId: state.conversationId, messageId: state.last.id };
        sandboxUrls.set(path, await resolve(ref));
      }
      return rewriteSandboxLinks(text, sandboxUrls);
    })();
  }

  function reasoningRaw(message: UpstreamMessage, final: boolean): string[] {
    const raw = messageRawSegments(message);
    // 2026's recap ("Thought for 3 seconds") is the web app's line under the thoughts, as 2024's finished_text is:
    // shown only when the turn's reasoning showed nothing else
    if (message.content.content_type === "reasoning_recap") return reasoningShown ? [] : raw;
    const finished = message.metadata.finished_text;
    // o1-style messages may carry no text at all, only "Thought for 9 seconds": show that rather than nothing
    const empty = raw.every((segment) => segment === "");
    return empty && final && typeof finished === "string" ? [finished] : raw;
  }

  /**
   * A text message's growth: synchronous unless a sandbox link in it is to be resolved. Every chunk of a reply comes
   * through here, and an async function per level was a promise and a generator each (bench/RESULTS.md, "Issue 12,
   * fifth session").
   */
  function renderText(out: RenderedDelta[], state: MessageState, kind: MessageKind, final: boolean): void | Promise<void> {
    const added = textAfter(kind === "reasoning" ? reasoningRaw(state.last, final) : messageRawSegments(state.last), state.taken);
    state.taken += added.length;
    const growth = state.visible.push(added, final);
    if (kind !== "text") return emitText(out, state, kind, final, growth);
    const rewritten = sandboxRewritten(growth, state);
    if (typeof rewritten === "string") return emitText(out, state, kind, final, rewritten);
    return rewritten.then((text) => emitText(out, state, kind, final, text));
  }

  function emitText(out: RenderedDelta[], state: MessageState, kind: MessageKind, final: boolean, text: string): void {
    const message = state.last;
    const owner = `${message.id}:${kind}`;
    let growth = text;
    if (kind === "reasoning" && reasoningDisplay === "inline") growth = quoteMore(growth, state);
    if (kind === "code" && final && message.recipient !== "all") toolPrompt = toolCallPrompt(message) ?? toolPrompt;
    if (kind === "reasoning") emitReasoning(out, owner, growth);
    else if (kind === "code") emitContent(out, owner, growth, codeFenceLabel(message));
    else if (kind === "output") emitContent(out, owner, growth, "Output");
    else emitContent(out, owner, growth);
    if (kind !== "text") return;
    for (const citation of messageCitations(message)) {
      if (citationsShown.has(citation.url)) continue;
      citationsShown.add(citation.url);
      emitContent(out, owner, ` [${citation.title}](${citation.url})`);
    }
  }

  async function renderImages(out: RenderedDelta[], state: MessageState, final: boolean): Promise<void> {
    const pieces: string[] = [];
    for (const pointer of imagePointers(state.last)) {
      const ref = assetRefOf(pointer, state);
      if (!ref) continue;
      const progress = generationProgress(pointer);
      if (!final && ref.kind === "sediment" && progress !== null && progress > state.progress) {
        state.progress = progress;
        pieces.push(`${state.imageText === "" && pieces.length === 0 ? "" : "\n"}> 🏃 ${progress.toFixed(2)}%`);
      }
      if (!final || state.imagesDone.has(pointer.asset_pointer)) continue;
      state.imagesDone.add(pointer.asset_pointer);
      const url = await resolve(ref);
      out.push({ type: "image", url, ref, prompt: pointerPrompt(pointer) ?? toolPrompt });
      const separator = state.imageText === "" && pieces.length === 0 ? "" : "\n\n";
      pieces.push(separator + (url ? `![image](${url})` : IMAGE_FAILED_TEXT));
    }
    const growth = pieces.join("");
    state.imageText += growth;
    emitContent(out, `${state.last.id}:image`, growth);
  }

  function render(out: RenderedDelta[], state: MessageState, final: boolean): void | Promise<void> {
    const kind = classifyMessage(state.last, reasoningModel);
    if (kind === "skip") return;
    const rendering = kind === "image" ? renderImages(out, state, final) : renderText(out, state, kind, final);
    if (!rendering) return markFinal(state, final);
    return rendering.then(() => markFinal(state, final));
  }

  function markFinal(state: MessageState, final: boolean): void {
    if (final) state.final = true;
  }

  function finish(out: RenderedDelta[], reason: "stop" | "content_filter"): void {
    const closing = content.close();
    if (closing !== "") out.push({ type: "content", text: closing });
    out.push({ type: "finish", reason });
    ended = true;
  }

  function report(out: RenderedDelta[], messageId: string, conversationId: string | null): void {
    if (!started) {
      started = true;
      out.push({ type: "start", conversationId, messageId });
    } else if (reported?.messageId !== messageId || reported.conversationId !== conversationId) {
      out.push({ type: "message-id", messageId, conversationId });
    }
    reported = { messageId, conversationId };
  }

  function onMessage(out: RenderedDelta[], message: UpstreamMessage, conversationId: string | null): void | Promise<void> {
    const role = message.author.role;
    if (role === "user" || role === "system") return;
    report(out, message.id, conversationId);
    // a message superseded without its finished event is over all the same: show what it held back
    const superseded = current && current.last.id !== message.id && !current.final ? render(out, current, true) : undefined;
    if (superseded) return superseded.then(() => onMessageNow(out, message, conversationId));
    return onMessageNow(out, message, conversationId);
  }

  function onMessageNow(out: RenderedDelta[], message: UpstreamMessage, conversationId: string | null): void | Promise<void> {
    let state = messages.get(message.id);
    if (!state) {
      state = {
        taken: 0,
        visible: new VisibleText(meter),
        quoted: false,
        last: message,
        conversationId,
        final: false,
        imageText: "",
        progress: 0,
        imagesDone: new Set(),
      };
      messages.set(message.id, state);
    }
    state.last = message;
    state.conversationId = conversationId ?? state.conversationId;
    current = state;
    const final = message.status !== "in_progress";
    const rendering = render(out, state, final);
    if (!rendering) return endTurn(out, message, final);
    return rendering.then(() => endTurn(out, message, final));
  }

  function endTurn(out: RenderedDelta[], message: UpstreamMessage, final: boolean): void {
    if (final && message.end_turn === true) finish(out, "stop");
  }

  function onEvent(out: RenderedDelta[], event: UpstreamEvent): void | Promise<void> {
    switch (event.type) {
      case "message":
        return onMessage(out, event.message, event.conversationId);
      case "moderation":
        if (!event.blocked || contentShown) return;
        if (!started) report(out, "", event.conversationId);
        out.push({ type: "refusal", text: REFUSAL_TEXT });
        return finish(out, "content_filter");
      case "error":
        out.push({ type: "failed", message: event.message });
        ended = true;
        return;
      case "metadata":
        if (event.name === "message_stream_complete") upstreamComplete = true;
        return;
      case "done":
        upstreamComplete = true;
        return;
      default: {
        const unexpected: never = event;
        return unexpected;
      }
    }
  }

  return {
    transform(event, controller) {
      if (ended) return;
      const out: RenderedDelta[] = [];
      const rendering = onEvent(out, event);
      if (!rendering) return enqueueAll(controller, out);
      return rendering.then(() => enqueueAll(controller, out));
    },
    async flush(controller) {
      if (ended || !started) return;
      const out: RenderedDelta[] = [];
      const wasFinal = current?.final ?? false;
      if (current && !current.final) await render(out, current, true);
      // the upstream said it was done and its last message was complete: a turn without end_turn (e.g. a tool's)
      if (upstreamComplete && wasFinal) finish(out, "stop");
      else {
        const closing = content.close();
        if (closing !== "") out.push({ type: "content", text: closing });
        out.push({ type: "failed", message: EARLY_END_MESSAGE });
      }
      for (const delta of out) controller.enqueue(delta);
    },
  };
}
