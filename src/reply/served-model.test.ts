/** @module The model that really answered a web turn: message metadata first, the server's closing word last. */
import { expect, test } from "bun:test";
import type { UpstreamEvent, UpstreamMessage } from "../engines/web/events.ts";
import { responseModelName, watchServedModel } from "./served-model.ts";

function message(role: string, slug?: string): UpstreamEvent {
  const value: UpstreamMessage = {
    id: `m-${role}`,
    author: { role },
    content: { content_type: "text", parts: ["hi"] },
    status: "in_progress",
    end_turn: null,
    recipient: "all",
    metadata: slug === undefined ? {} : { model_slug: slug },
  };
  return { type: "message", message: value, conversationId: "c" };
}

function ste(metadata: Record<string, unknown>): UpstreamEvent {
  return { type: "metadata", name: "server_ste_metadata", data: { type: "server_ste_metadata", metadata, conversation_id: "c" } };
}

/** Feeds the events one by one and records what the watcher knew after each. */
async function seen(events: UpstreamEvent[]): Promise<Array<string | null>> {
  const served = watchServedModel(new ReadableStream({ start: (c) => (events.forEach((e) => c.enqueue(e)), c.close()) }));
  const after: Array<string | null> = [];
  const reader = served.events.getReader();
  while (!(await reader.read()).done) after.push(served.slug());
  return after;
}

test("nothing named: null; the user's echo never counts", async () => {
  expect(await seen([message("user", "gpt-5-6"), { type: "done" }])).toEqual([null, null]);
});

test("the first assistant message names it, and the server's metadata has the last word", async () => {
  expect(await seen([message("assistant", "gpt-5-6-thinking"), ste({ model_slug: "gpt-5-5-mini", turn_use_case: "text" }), message("assistant", "gpt-5-6-thinking")])).toEqual([
    "gpt-5-6-thinking",
    "gpt-5-5-mini",
    "gpt-5-5-mini",
  ]);
});

test("an image turn's metadata names the image tool's model, which is not taken", async () => {
  expect(await seen([message("assistant", "gpt-5-6"), ste({ model_slug: "i-mini-m", turn_use_case: "image gen" })])).toEqual(["gpt-5-6", "gpt-5-6"]);
});

test.each([
  ["nothing known", "gpt-5-6-thinking", null, "gpt-5-6-thinking"],
  ["served as asked", "gpt-5-6-thinking", "gpt-5-6-thinking", "gpt-5-6-thinking"],
  ["a downgrade", "gpt-5-6-thinking", "gpt-5-5-mini", "gpt-5-5-mini"],
])("%s: the response names %p", (_name, slug, served, expected) => {
  expect(responseModelName({ requested: slug, upstreamSlug: slug, gizmoId: null }, served)).toBe(expected);
});

test("the requested name stays when the upstream served the slug it maps to; a GPT keeps its name whatever served it", () => {
  expect(responseModelName({ requested: "gpt-4.1", upstreamSlug: "gpt-4-1", gizmoId: null }, "gpt-4-1")).toBe("gpt-4.1");
  expect(responseModelName({ requested: "g-abc", upstreamSlug: "gpt-4o", gizmoId: "g-abc" }, "gpt-5-6")).toBe("g-abc");
});
