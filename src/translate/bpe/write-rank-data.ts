/**
 * @module `bun src/translate/bpe/write-rank-data.ts`: writes ranks/*.ranks.gz from the pinned gpt-tokenizer's rank
 * files. Run it after changing gpt-tokenizer's version; rank-data.test.ts fails until the tables match the package.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { rankSources } from "./rank-sources.ts";
import { encodeRankData } from "./rank-data.ts";
import { parseRankFile } from "./rank-file.ts";

for (const { name, size, jsFile, dataFile } of rankSources()) {
  const data = encodeRankData(parseRankFile(readFileSync(jsFile), jsFile, size), name);
  writeFileSync(dataFile, data);
  console.log(`${name}: ${data.length} bytes → ${dataFile}`);
}
