/**
 * @module The encodings chat2api counts with, loaded from gpt-tokenizer's rank files on first use. The files are
 * embedded as files (`type: "file"`), so `bun build --compile` carries them and nothing runs their code.
 */
import { readFileSync } from "node:fs";
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { Cl100KBase } from "gpt-tokenizer/encodingParams/cl100k_base";
import { createO200KSpecialTokenMap } from "gpt-tokenizer/encodingParams/o200k_base";
import cl100kRanks from "gpt-tokenizer/esm/bpeRanks/cl100k_base" with { type: "file" };
import o200kRanks from "gpt-tokenizer/esm/bpeRanks/o200k_base" with { type: "file" };
import type { TokenizerEncoding } from "../model-names.ts";
import { BpeEncoding } from "./encoding.ts";
import { parseRankFile } from "./rank-file.ts";
import { RankTable } from "./rank-table.ts";

interface EncodingSource {
  /** The rank file: its path, as a file import gives it (typed as the module it would be if imported as code). */
  ranks: unknown;
  /** How many ranks gpt-tokenizer 4.0.0 has: the special tokens' ids follow them. */
  size: number;
  split: RegExp;
  specials: () => ReadonlyMap<string, number>;
}

const SOURCES: Record<TokenizerEncoding, EncodingSource> = {
  o200k_base: { ranks: o200kRanks, size: 199_998, split: O200K_TOKEN_SPLIT_REGEX, specials: createO200KSpecialTokenMap },
  cl100k_base: { ranks: cl100kRanks, size: 100_256, split: CL100K_TOKEN_SPLIT_REGEX, specials: () => Cl100KBase([]).specialTokensEncoder ?? new Map() },
};

/** Reads, checks and indexes one encoding's ranks: ~0.1 s and a few MiB; the file's text is dropped after. */
export function loadEncoding(name: TokenizerEncoding): BpeEncoding {
  const source = SOURCES[name];
  if (typeof source.ranks !== "string") throw new Error(`${name}: the rank file import gave no path`);
  const table = new RankTable(parseRankFile(readFileSync(source.ranks), source.ranks, source.size));
  for (let byte = 0; byte < 256; byte++) {
    // a merge starts from single bytes, so every byte must be a token of its own
    if (table.rankOf(Uint8Array.of(byte), 0, 1) < 0) throw new Error(`${name}: byte ${byte} has no rank`);
  }
  return new BpeEncoding(table, source.split, source.specials());
}
