/**
 * @module Which upstream model really answered a web turn (web-2026.md §6.3, §11 item 10). The assistant's messages
 * name it in `metadata.model_slug` from the first one on, so it is known when the reply begins; the closing
 * `server_ste_metadata` event is the server's final word and wins. A request for `gpt-5-6-thinking` answered by
 * `gpt-5-5-mini` is a silent downgrade the client is told of. An image turn's metadata names the image tool's model
 * (`i-mini-m`), not the one that talked, so it is not taken.
 */
import { pullThrough } from "../streams/pull-through.ts";
import type { UpstreamEvent } from "../engines/web/events.ts";
import type { ResolvedModel } from "../translate/model-names.ts";

/** The response header naming the upstream model that answered a web reply. */
export const UPSTREAM_MODEL_HEADER = "x-chat2api-upstream-model";

export interface ServedModel {
  /** The events, unchanged. */
  events: ReadableStream<UpstreamEvent>;
  /** The slug seen so far; null until a message or the server's metadata named one. */
  slug(): string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function slugIn(metadata: unknown): string | null {
  return isRecord(metadata) && typeof metadata.model_slug === "string" && metadata.model_slug !== "" ? metadata.model_slug : null;
}

export function watchServedModel(events: ReadableStream<UpstreamEvent>): ServedModel {
  let fromMessages: string | null = null;
  let fromServer: string | null = null;
  const watch: Transformer<UpstreamEvent, UpstreamEvent> = {
    transform(event, controller) {
      if (event.type === "message" && event.message.author.role === "assistant") {
        fromMessages = slugIn(event.message.metadata) ?? fromMessages;
      } else if (event.type === "metadata" && event.name === "server_ste_metadata") {
        const metadata = event.data.metadata;
        if (!(isRecord(metadata) && metadata.turn_use_case === "image gen")) fromServer = slugIn(metadata) ?? fromServer;
      }
      controller.enqueue(event);
    },
  };
  return { events: pullThrough(events, watch), slug: () => fromServer ?? fromMessages };
}

/**
 * The `model` a response names: the requested name, unless the upstream answered with another model than the slug
 * it was asked for (a downgrade, or `auto` resolved), which is then named as the upstream named it. A GPT keeps its
 * name: the upstream picks its model, so a different slug there is no downgrade.
 */
export function responseModelName(model: Pick<ResolvedModel, "requested" | "upstreamSlug" | "gizmoId">, servedSlug: string | null): string {
  if (servedSlug === null || model.gizmoId !== null) return model.requested;
  return servedSlug !== model.upstreamSlug ? servedSlug : model.requested;
}
