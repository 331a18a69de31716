/**
 * @module The output items of recent Codex-engine responses, by item id, for the caller that received them. The real
 * API stores responses (`store` defaults to true), so clients such as the Vercel AI SDK send earlier items back as
 * `{"type":"item_reference","id":…}`; the Codex backend keeps nothing (store:false), so chat2api puts the item itself
 * back in their place. Bounded by count; one caller never sees another's items.
 */
import { InvalidRequestError } from "../../errors.ts";
import { LruMap } from "../../pool/lru-map.ts";

type Item = Record<string, unknown>;

function isItem(value: unknown): value is Item {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class ItemMemory {
  private readonly items: LruMap<string, Item>;

  constructor(limit = 20_000) {
    this.items = new LruMap(limit);
  }

  /** Keeps every output item that has an id, for `owner` (a digest of the caller's key, never the key). */
  remember(owner: string, output: readonly unknown[]): void {
    for (const item of output) {
      if (isItem(item) && typeof item.id === "string") this.items.set(`${owner}:${item.id}`, item);
    }
  }

  /** The input with each `item_reference` replaced by the item it names; one that is not known is a 400 naming it. */
  resolve(owner: string, input: unknown): unknown {
    if (!Array.isArray(input)) return input;
    return input.map((entry, index) => {
      if (!isItem(entry) || entry.type !== "item_reference") return entry;
      const found = typeof entry.id === "string" ? this.items.get(`${owner}:${entry.id}`) : undefined;
      if (!found) {
        throw new InvalidRequestError(
          `Item with id '${String(entry.id)}' not found: only items of this server's recent responses to the same API key can be referenced; send the item itself.`,
          { param: `input[${index}]`, code: "item_not_found" },
        );
      }
      return found;
    });
  }
}
