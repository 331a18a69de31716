/** @module The deterministic answer text: directives in the last user message, the word list, and chunking. */

export const SCENARIOS = ["default", "reasoning", "code", "dalle", "image-gen", "image-limit", "browse", "moderation", "preamble"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Directives {
  scenario: ScenarioName;
  /** `[[words:N]]`: answer with N words instead of the echo. */
  words?: number;
  /** The user's text without the directives. */
  text: string;
}

/** Deterministic, and with one multibyte word so long answers exercise UTF-8 boundaries too. */
const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "québec", "romeo", "sierra", "tango"];

export function parseDirectives(text: string): Directives | { error: string } {
  let scenario: ScenarioName = "default";
  let words: number | undefined;
  for (const [, name, value] of text.matchAll(/\[\[(\w+):([\w-]+)\]\]/g)) {
    if (name === "words") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 100_000) return { error: `[[words:${value}]] needs an integer 1..100000` };
      words = n;
    } else if (name === "scenario") {
      const known = SCENARIOS.find((s) => s === value);
      if (!known) return { error: `unknown emulator scenario "${value}"; known: ${SCENARIOS.join(", ")}` };
      scenario = known;
    } else {
      return { error: `unknown emulator directive [[${name}:…]]` };
    }
  }
  const stripped = text.replace(/\[\[\w+:[\w-]+\]\]/g, "").replace(/\s+/g, " ").trim();
  return words === undefined ? { scenario, text: stripped } : { scenario, words, text: stripped };
}

export function wordList(count: number): string {
  return Array.from({ length: count }, (_, i) => WORDS[i % WORDS.length]).join(" ");
}

/** The main answer: N words, or `You said: <text>`. */
export function replyText(directives: Directives): string {
  return directives.words !== undefined ? wordList(directives.words) : `You said: ${directives.text}`;
}

/** Splits text into chunks of 1, 2, 3, 1, 2, 3… words (whitespace kept), the way the text arrives on the wire. */
export function chunkWords(text: string): string[] {
  const tokens = text.match(/\s*\S+\s*/g) ?? (text === "" ? [] : [text]);
  const chunks: string[] = [];
  for (let i = 0, size = 1; i < tokens.length; i += size, size = (size % 3) + 1) {
    chunks.push(tokens.slice(i, i + size).join(""));
  }
  return chunks;
}
