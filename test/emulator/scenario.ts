/**
 * @module The scenario builder: turns one request into the frames of its answer (user echo, assistant and tool
 * messages, typed events) plus the files the answer generated. Deterministic but for ids and sizes.
 */
import { randomBytes } from "node:crypto";
import type { UpstreamContent, UpstreamMessage } from "../../src/engines/web/events.ts";
import { detail } from "./http.ts";
import { makePng } from "./png.ts";
import type { Directives } from "./reply-text.ts";
import { chunkWords, replyText } from "./reply-text.ts";
import { appendText, type Frame, Timeline } from "./timeline.ts";
import { SCENARIO_THOUGHTS, streamThoughts } from "./web2026/thoughts.ts";

export interface EchoedMessage {
  id: string;
  content: UpstreamContent;
  metadata: Record<string, unknown>;
}

export interface AnswerInput {
  directives: Directives;
  model: string;
  conversationId: string;
  parentMessageId: string;
  /** The last user message, echoed first (absent for a `continue` without messages). */
  user?: EchoedMessage;
  historyEnabled: boolean;
  /** Seconds, for `create_time`. */
  createTime: number;
  /** 2026 thinking models: reasoning (`thoughts`, `reasoning_recap`) before the answer, at this `thinking_effort`. */
  thinking?: { effort: string };
  /** 2026: answers carry `channel: "final"`. */
  finalChannel?: boolean;
  /** A scripted reply (`emu.scriptWeb`): the answer's text in these chunks, instead of the echo. */
  scripted?: string[];
}

/** Scenarios whose answer is one text a script can replace (the others build their text around the echo). */
const SCRIPTABLE = new Set(["default", "reasoning", "preamble"]);

/** A file the answer made, for the download endpoints. */
export interface GeneratedFile {
  fileId: string;
  name: string;
  mimeType: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** Set for `(sandbox:…)` links: the message that carries the link and the path in it. */
  sandbox?: { messageId: string; path: string };
}

export interface Answer {
  frames: Frame[];
  finalMessages: UpstreamMessage[];
  files: GeneratedFile[];
  /** The id of the message that ends the turn (or the last one, when nothing does). */
  lastMessageId: string;
}

const IMAGE_SIZE = 1024;
export const SANDBOX_PATH = "/mnt/data/result.png";

function alnum(length: number): string {
  return randomBytes(length).toString("base64url").replace(/[-_]/g, "x").slice(0, length);
}

export function buildAnswer(input: AnswerInput): Answer {
  const slug = input.model === "auto" ? "gpt-4o-mini" : input.model;
  const t = new Timeline(slug, input.createTime);
  const files: GeneratedFile[] = [];
  if (input.scripted && !SCRIPTABLE.has(input.directives.scenario)) {
    throw detail(500, `Emulator: a scripted reply cannot answer [[scenario:${input.directives.scenario}]]`);
  }
  const reply = replyText(input.directives);
  const answerText: string | string[] = input.scripted ?? reply;
  const echoId = input.user
    ? t.start({ id: input.user.id, role: "user", content: input.user.content, metadata: input.user.metadata, status: "finished_successfully" }, input.parentMessageId)
    : input.parentMessageId;
  // every message of the answer hangs below the reasoning when the model thinks first
  const userId = input.thinking ? streamThoughts(t, echoId, input.thinking.effort, input.directives.scenario) : echoId;
  const text = (parent: string, body: string | string[], lastChunkInFinish = true): string => {
    const id = t.start({ role: "assistant", content: { content_type: "text", parts: [""] }, ...(input.finalChannel ? { channel: "final" } : {}) }, parent);
    t.streamText(id, body, { lastChunkInFinish, endTurn: true });
    return id;
  };
  let last: string;

  switch (input.directives.scenario) {
    case "default":
      last = text(userId, answerText);
      break;
    case "reasoning": {
      if (input.thinking) {
        last = text(userId, answerText);
        break;
      }
      const thought = t.start(
        { role: "tool", name: "a8km123", content: { content_type: "text", parts: [""] }, metadata: { initial_text: "Thinking" } },
        userId,
      );
      t.streamText(thought, SCENARIO_THOUGHTS.map((step) => step.content).join(" "), {
        lastChunkInFinish: true,
        endTurn: false,
        finishMetadata: { finished_text: "Thought for 3 seconds", finished_duration_sec: 3 },
      });
      last = text(thought, answerText);
      break;
    }
    case "preamble": {
      const preamble = t.start({ role: "assistant", content: { content_type: "text", parts: [""] } }, userId);
      t.streamText(preamble, "Let me look at that first. Here is what I found:", { lastChunkInFinish: true, endTurn: false });
      last = text(preamble, answerText);
      break;
    }
    case "code": {
      const code = t.start({ role: "assistant", content: { content_type: "code", language: "python", text: "" }, recipient: "python" }, userId);
      t.streamText(code, 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.savefig("/mnt/data/result.png")\nprint(2 + 2)', {
        lastChunkInFinish: true,
        endTurn: false,
      });
      const output = t.start({ role: "tool", name: "python", content: { content_type: "execution_output", text: "" } }, code);
      t.update(output, (m) => {
        m.content = { content_type: "execution_output", text: "4\n" };
      });
      t.finish(output, null);
      // chat2api resolves sandbox links only when the end_turn event adds no text (upstream.md §15 item 18).
      last = text(output, `${reply}\n\n[Download the chart](sandbox:${SANDBOX_PATH})`, false);
      files.push({ fileId: `file-${alnum(24)}`, name: "result.png", mimeType: "image/png", bytes: makePng(64, 48), sandbox: { messageId: last, path: SANDBOX_PATH } });
      break;
    }
    case "dalle": {
      const prompt = t.start({ role: "assistant", content: { content_type: "code", language: "unknown", text: "" }, recipient: "dalle.text2im" }, userId);
      t.streamText(prompt, JSON.stringify({ size: "1024x1024", prompt: input.directives.text }), { lastChunkInFinish: true, endTurn: false });
      const bytes = makePng(IMAGE_SIZE, IMAGE_SIZE);
      const fileId = `file-${alnum(24)}`;
      files.push({ fileId, name: `${fileId}.png`, mimeType: "image/png", bytes });
      const image = t.start(
        {
          role: "tool",
          name: "dalle.text2im",
          status: "finished_successfully",
          content: {
            content_type: "multimodal_text",
            parts: [{ content_type: "image_asset_pointer", asset_pointer: `file-service://${fileId}`, size_bytes: bytes.length, width: IMAGE_SIZE, height: IMAGE_SIZE, metadata: { dalle: { gen_id: alnum(16), prompt: input.directives.text, seed: 1234, serialization_title: "DALL-E generation metadata" } } }],
          },
        },
        prompt,
      );
      last = text(image, reply);
      break;
    }
    case "image-gen": {
      const prompt = t.start({ role: "assistant", content: { content_type: "code", language: "json", text: "" }, recipient: "t2uay3k.sj1i4kz" }, userId);
      t.streamText(prompt, JSON.stringify({ prompt: input.directives.text, size: "1024x1024", n: 1 }), { lastChunkInFinish: true, endTurn: false });
      const bytes = makePng(IMAGE_SIZE, IMAGE_SIZE, [200, 80, 40]);
      const fileId = `file_${randomBytes(16).toString("hex")}`;
      files.push({ fileId, name: `${fileId}.png`, mimeType: "image/png", bytes });
      const image = t.start({ role: "tool", name: "t2uay3k.sj1i4kz", content: { content_type: "multimodal_text", parts: [] } }, prompt);
      for (const height of [256, 512, 768, IMAGE_SIZE]) {
        t.update(image, (m) => {
          m.content = {
            content_type: "multimodal_text",
            parts: [{ content_type: "image_asset_pointer", asset_pointer: `sediment://${fileId}`, size_bytes: bytes.length, width: IMAGE_SIZE, height: IMAGE_SIZE, metadata: { generation: { gen_id: `gen_${fileId.slice(5, 13)}`, gen_size: "image", width: IMAGE_SIZE, height, transparent_background: false } } }],
          };
        });
      }
      // The real image tool ends the answer itself: no end_turn:true message follows, only the stream's end.
      t.finish(image, null);
      last = image;
      break;
    }
    case "image-limit": {
      // web-2026.md §7.1: a spent image quota is no HTTP error but the image tool's system_error inside a 200 stream
      const prompt = t.start({ role: "assistant", content: { content_type: "code", language: "json", text: "" }, recipient: "t2uay3k.sj1i4kz" }, userId);
      t.streamText(prompt, JSON.stringify({ prompt: input.directives.text, size: "1024x1024", n: 1 }), { lastChunkInFinish: true, endTurn: false });
      const refusal = t.start(
        { role: "tool", name: "t2uay3k.sj1i4kz", content: { content_type: "system_error", name: "ChatGPTAgentToolRateLimitException", text: "You've reached the image generation limit. It resets in 23 hours and 12 minutes." } },
        prompt,
      );
      t.finish(refusal, null);
      last = text(refusal, "I can't create more images right now: the image generation limit resets in 23 hours.");
      break;
    }
    case "browse": {
      // §16.2: one citation arrives with text growth, the other with the final event; both must be rendered.
      const id = t.start({ role: "assistant", content: { content_type: "text", parts: [""] }, metadata: { citations: [] } }, userId);
      const first = `${reply} Sources agree on this`;
      const mark1 = "【0†source】";
      const mark2 = "【1†source】";
      t.appendChunks(id, chunkWords(first));
      t.update(id, (m) => {
        appendText(m, `${mark1} and`);
        m.metadata = { ...m.metadata, citations: [citation([...first].length, mark1, "Example Docs", "https://docs.example.com/answer")] };
      });
      const middle = " the wiki confirms it";
      t.appendChunks(id, chunkWords(middle));
      const before = `${first}${mark1} and${middle}`;
      t.update(id, (m) => {
        appendText(m, `${mark2}.`);
        m.status = "finished_successfully";
        m.end_turn = true;
        const citations = Array.isArray(m.metadata.citations) ? m.metadata.citations : [];
        m.metadata = {
          ...m.metadata,
          citations: [...citations, citation([...before].length, mark2, "Example Wiki", "https://wiki.example.org/Answer")],
          is_complete: true,
          finish_details: { type: "stop", stop_tokens: [200002] },
        };
      });
      last = id;
      break;
    }
    case "moderation": {
      last = t.start({ role: "assistant", content: { content_type: "text", parts: [""] } }, userId);
      t.event({
        type: "moderation",
        conversation_id: input.conversationId,
        message_id: userId,
        is_completion: false,
        moderation_response: { flagged: true, blocked: true, moderation_id: `modr-${alnum(20)}` },
      });
      // A blocked answer simply ends: no title, no completion marker, no [DONE].
      return { frames: t.frames, finalMessages: t.finalMessages(), files, lastMessageId: last };
    }
    default: {
      const exhaustive: never = input.directives.scenario;
      throw new Error(`unhandled scenario ${String(exhaustive)}`);
    }
  }

  if (input.historyEnabled) {
    t.event({ type: "title_generation", title: titleOf(input.directives.text), conversation_id: input.conversationId });
  }
  t.event({ type: "message_stream_complete", conversation_id: input.conversationId });
  t.done();
  return { frames: t.frames, finalMessages: t.finalMessages(), files, lastMessageId: last };
}

function citation(start: number, mark: string, title: string, url: string): Record<string, unknown> {
  return {
    start_ix: start,
    end_ix: start + [...mark].length,
    citation_format_type: "tether_og",
    invalid_reason: null,
    metadata: { type: "webpage", title, url, text: "", pub_date: null, extra: null },
  };
}

function titleOf(text: string): string {
  const words = text.split(/\s+/).filter(Boolean).slice(0, 4).join(" ");
  return words === "" ? "New chat" : words;
}
