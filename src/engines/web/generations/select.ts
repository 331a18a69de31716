/**
 * @module Which protocol generation a request speaks (`WEB_PROTOCOL`): `2024` or `2026` exactly, or `auto`, which
 * tries 2026 first and falls back to 2024 when the upstream has no 2026 endpoint (web-2026.md §11 items 1 and 6),
 * remembering per base URL what worked so later requests go straight there, and probing 2026 again after a while
 * with one request at a time (host-memory.ts).
 */
import { type GenerationName, GenerationUnavailable, type HandshakeInput, type HandshakeResult, type ProtocolGeneration } from "./generation.ts";
import { HostMemory, REPROBE_AFTER_MS } from "./host-memory.ts";

export type WebProtocolSetting = "auto" | GenerationName;

export const WEB_PROTOCOL_SETTINGS: readonly WebProtocolSetting[] = ["auto", "2026", "2024"];

export interface GenerationSelectorOptions {
  setting: WebProtocolSetting;
  generations: Readonly<Record<GenerationName, ProtocolGeneration>>;
  /** With CONVERSATION_ONLY a gateway does the handshake; in auto mode it is spoken to as before generations (2024). */
  conversationOnly: boolean;
  reprobeAfterMs?: number;
  now: () => number;
}

export class GenerationSelector {
  private readonly remembered: HostMemory<GenerationName>;

  constructor(private readonly options: GenerationSelectorOptions) {
    this.remembered = new HostMemory(options.reprobeAfterMs ?? REPROBE_AFTER_MS, options.now);
  }

  /** The generations to try for `host`, in order. */
  order(host: string): GenerationName[] {
    const { setting } = this.options;
    if (setting !== "auto") return [setting];
    if (this.options.conversationOnly) return ["2024"];
    return this.remembered.get(host) === "2024" ? ["2024", "2026"] : ["2026", "2024"];
  }

  /** Opens the conversation with the first generation the upstream serves; the one used is returned with it. */
  async open(input: HandshakeInput): Promise<HandshakeResult & { generation: GenerationName }> {
    const host = input.session.host;
    const order = this.order(host);
    for (const [i, name] of order.entries()) {
      input.trace.generation = name;
      try {
        const result = await this.options.generations[name].open(input);
        // only a fallback is remembered, and using it does not extend it: the preferred one is probed again in time
        if (i > 0) this.remembered.set(host, name);
        // the preferred one works (this request probed it again, or nothing was remembered): the fallback is let go
        else if (name === "2026") this.remembered.forget(host);
        return { ...result, generation: name };
      } catch (error) {
        if (!(error instanceof GenerationUnavailable)) throw error;
        const next = order[i + 1];
        // the last one tried: its own error is the answer (an old error kind, as before generations)
        if (!next) throw error.cause;
        input.trace.notes.push(`${name} not served (${error.step}: HTTP ${error.cause.status}), ${next} next`);
      }
    }
    throw new Error("no protocol generation to try");
  }
}
