/** @module How many ranks each encoding has, and (for the generator and its test) where its table is made from. */
import { fileURLToPath } from "node:url";
import type { TokenizerEncoding } from "../model-names.ts";

/** How many ranks gpt-tokenizer 4.0.0 has: the special tokens' ids follow them. */
export const RANK_COUNTS: Readonly<Record<TokenizerEncoding, number>> = { o200k_base: 199_998, cl100k_base: 100_256 };

export interface RankSource {
  name: TokenizerEncoding;
  size: number;
  /** gpt-tokenizer's rank file, a JavaScript module. */
  jsFile: string;
  /** The table chat2api ships, in ranks/. */
  dataFile: string;
}

/** Resolved when asked (the generator, the test), never in a running server: the binary carries no node_modules. */
export function rankSources(): RankSource[] {
  return (Object.keys(RANK_COUNTS) as TokenizerEncoding[]).map((name) => ({
    name,
    size: RANK_COUNTS[name],
    jsFile: Bun.resolveSync(`gpt-tokenizer/esm/bpeRanks/${name}`, import.meta.dir),
    dataFile: fileURLToPath(new URL(`./ranks/${name}.ranks.gz`, import.meta.url)),
  }));
}
