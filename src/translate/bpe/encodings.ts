/**
 * @module The encodings chat2api counts with, loaded on first use from the tables in ranks/ (written from
 * gpt-tokenizer's rank files by write-rank-data.ts). The tables are embedded as files (`type: "file"`), so
 * `bun build --compile` carries them.
 */
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { Cl100KBase } from "gpt-tokenizer/encodingParams/cl100k_base";
import { createO200KSpecialTokenMap } from "gpt-tokenizer/encodingParams/o200k_base";
import { readEmbeddedFile } from "../../memory/embedded-file.ts";
import type { TokenizerEncoding } from "../model-names.ts";
import { BpeEncoding } from "./encoding.ts";
import { decodeRankData, rankFileHead } from "./rank-data.ts";
import { RANK_COUNTS } from "./rank-sources.ts";
import { RankTable } from "./rank-table.ts";
import cl100kRanks from "./ranks/cl100k_base.ranks.gz" with { type: "file" };
import o200kRanks from "./ranks/o200k_base.ranks.gz" with { type: "file" };

interface EncodingSource {
  /** The table's path, as a file import gives it. */
  ranks: string;
  split: RegExp;
  specials: () => ReadonlyMap<string, number>;
}

const SOURCES: Record<TokenizerEncoding, EncodingSource> = {
  o200k_base: { ranks: o200kRanks, split: O200K_TOKEN_SPLIT_REGEX, specials: createO200KSpecialTokenMap },
  cl100k_base: { ranks: cl100kRanks, split: CL100K_TOKEN_SPLIT_REGEX, specials: () => Cl100KBase([]).specialTokensEncoder ?? new Map() },
};

/** Reads, checks and indexes one encoding's ranks: 25–95 ms (the JIT warm or cold) and a few MiB. */
export function loadEncoding(name: TokenizerEncoding): BpeEncoding {
  const source = SOURCES[name];
  // read from the executable on disk, not its mapping, so the file's pages do not stay with the process
  const table = new RankTable(decodeRankData(readEmbeddedFile(source.ranks, rankFileHead(name)), source.ranks, RANK_COUNTS[name]));
  for (let byte = 0; byte < 256; byte++) {
    // a merge starts from single bytes, so every byte must be a token of its own
    if (table.rankOf(Uint8Array.of(byte), 0, 1) < 0) throw new Error(`${name}: byte ${byte} has no rank`);
  }
  return new BpeEncoding(table, source.split, source.specials());
}
