import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { elfSection, locateEmbeddedFile, readEmbeddedFile } from "./embedded-file.ts";

const dir = mkdtempSync(join(tmpdir(), "chat2api-embedded-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("elfSection", () => {
  test("finds a section of an ELF executable (bun's own .text), and nothing in a file that is no ELF", () => {
    const fd = openSync(process.execPath, "r");
    try {
      expect(elfSection(fd, ".text")?.size).toBeGreaterThan(1 << 20);
      expect(elfSection(fd, ".no-such-section")).toBeNull();
    } finally {
      closeSync(fd);
    }
    const text = join(dir, "plain.txt");
    writeFileSync(text, "not an executable, but long enough to hold an ELF header: ".repeat(4));
    const plain = openSync(text, "r");
    try {
      expect(elfSection(plain, ".text")).toBeNull();
    } finally {
      closeSync(plain);
    }
  });
});

test("a file of the source tree is read as it is, with no search", () => {
  const path = join(dir, "ranks.bin");
  writeFileSync(path, Uint8Array.of(1, 2, 3, 4));
  expect(locateEmbeddedFile(path, Uint8Array.of(1, 2))).toBeNull();
  expect([...readEmbeddedFile(path, Uint8Array.of(1, 2))]).toEqual([1, 2, 3, 4]);
});

test("in a compiled binary, an embedded file is found in the executable by its head and read from there, byte for byte; another file there is not taken for it", async () => {
  // the head's text is in the program's source as well: only the whole head, binary bytes and all, is the file's
  const marker = "chat2api embedded-file test";
  const head = Uint8Array.from([0x1f, 0x8b, 0x08, 0x10, ...new TextEncoder().encode(marker), 0]);
  const body = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919 + (i >> 9)) & 0xff);
  writeFileSync(join(dir, "data.bin"), Buffer.concat([head, body]));
  writeFileSync(
    join(dir, "program.ts"),
    [
      `import { readFileSync } from "node:fs";`,
      `import { locateEmbeddedFile, readEmbeddedFile } from ${JSON.stringify(join(import.meta.dir, "embedded-file.ts"))};`,
      `import data from "./data.bin" with { type: "file" };`,
      `const head = Uint8Array.from([0x1f, 0x8b, 0x08, 0x10, ...new TextEncoder().encode(${JSON.stringify(marker)}), 0]);`,
      `const read = readEmbeddedFile(data, head);`,
      `const mapped = readFileSync(data);`,
      // a new version installed under the executable's name: where the file was found holds something else now
      `const replaced = readEmbeddedFile(data, head, process.env.REPLACED_EXECUTABLE);`,
      `console.log(JSON.stringify({ path: data, offset: locateEmbeddedFile(data, head), same: Buffer.from(read).equals(mapped), length: read.length, sameAfterReplacement: Buffer.from(replaced).equals(mapped) }));`,
    ].join("\n"),
  );
  const binary = join(dir, "program");
  const build = Bun.spawnSync([process.execPath, "build", "--compile", "--minify", "--bytecode", "--format=esm", join(dir, "program.ts"), "--outfile", binary], { stderr: "pipe", stdout: "pipe" });
  expect(build.exitCode, build.stderr.toString()).toBe(0);
  // as long as the executable, all zeros (sparse: nothing is written)
  const replacedExecutable = join(dir, "replaced");
  const replacement = openSync(replacedExecutable, "w");
  ftruncateSync(replacement, statSync(binary).size);
  closeSync(replacement);
  const run = Bun.spawn([binary], { stdout: "pipe", stderr: "inherit", env: { ...process.env, REPLACED_EXECUTABLE: replacedExecutable } });
  const output = JSON.parse(await new Response(run.stdout).text()) as { path: string; offset: number | null; same: boolean; length: number; sameAfterReplacement: boolean };
  expect(await run.exited).toBe(0);
  expect(output.path.startsWith("/$bunfs/")).toBe(true);
  expect(output.same).toBe(true);
  expect(output.sameAfterReplacement).toBe(true);
  expect(output.length).toBe(head.length + body.length);
  expect(output.offset).not.toBeNull();
  // the offset is the file's in the executable, inside its .bun section
  const executable = readFileSync(binary);
  const at = output.offset as number;
  expect(Buffer.from(executable.subarray(at, at + head.length + body.length)).equals(Buffer.concat([head, body]))).toBe(true);
  const fd = openSync(binary, "r");
  try {
    const section = elfSection(fd, ".bun");
    expect(section).not.toBeNull();
    expect(at).toBeGreaterThanOrEqual(section?.offset ?? Infinity);
  } finally {
    closeSync(fd);
  }
}, 60_000);
