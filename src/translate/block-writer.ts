/**
 * @module Joins the pieces of several upstream messages into one markdown text: a blank line between blocks, code
 * fences opened when a block starts and closed when the next one does, so the reader sees well-formed markdown.
 */

export interface BlockWriter {
  /** The text to emit so that `text` continues block `owner` (opened here with `fence` as its label if given). */
  write(owner: string, text: string, fence?: string): string;
  /** The text that closes an open fence ("" when none is open). */
  close(): string;
}

export function createBlockWriter(): BlockWriter {
  let written = "";
  let owner: string | null = null;
  let fenceOpen = false;

  function record(text: string): string {
    // only the tail matters for choosing separators: keep it short so long replies stay linear
    written = (written + text).slice(-2);
    return text;
  }

  function close(): string {
    if (!fenceOpen) return "";
    fenceOpen = false;
    return record(written.endsWith("\n") ? "```" : "\n```");
  }

  function blankLine(): string {
    if (written === "" || written.endsWith("\n\n")) return "";
    return written.endsWith("\n") ? "\n" : "\n\n";
  }

  return {
    write(next, text, fence) {
      if (text === "") return "";
      if (next === owner) return record(text);
      owner = next;
      let opening = close();
      opening += record(blankLine());
      if (fence !== undefined) {
        fenceOpen = true;
        opening += record(`\`\`\`${fence}\n`);
      }
      return opening + record(text);
    },
    close,
  };
}
