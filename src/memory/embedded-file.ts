/**
 * @module Reads a file that `bun build --compile` embedded (`import … with { type: "file" }`) from the executable on
 * disk instead of through the process's mapping of it. Bun serves embedded files from the binary's `.bun` section,
 * mapped into the process, and every page read there stays resident for the life of the process (clean file pages
 * count in RSS; the kernel takes them back only under memory pressure). A read of the executable goes through the
 * page cache, which is no one process's. For the tokenizer's rank tables, read again after every idle trim let them
 * go: 1.0 MiB of an idle server (bench/RESULTS.md, sixteenth session).
 *
 * The file is found by its first bytes, which the caller knows and which are nowhere else in the binary (a rank
 * table starts with a gzip header that names it), and they are checked again at every read. Found on Linux (ELF,
 * through /proc/self/exe); anywhere else, when run from source, or when the head is not where it was, it is read as
 * before.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";

/** Where embedded files are, as import paths name them in a compiled binary on Linux and macOS. */
const EMBEDDED_ROOT = "/$bunfs/";
/**
 * The running executable: on Linux the process's own, even after a new version was installed over its path (a new
 * file under the old name, whose files lie elsewhere); elsewhere its path.
 */
const RUNNING_EXECUTABLE = process.platform === "linux" ? "/proc/self/exe" : process.execPath;
const SCAN_CHUNK = 1 << 20;

/** Where each embedded file starts in the executable, once found. */
const offsets = new Map<string, number | null>();

function readAt(fd: number, into: Uint8Array, position: number): number {
  let done = 0;
  while (done < into.length) {
    const read = readSync(fd, into, done, into.length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return done;
}

/** The file range of the ELF section `name`, or null when the file is no 64-bit little-endian ELF or lacks it. */
export function elfSection(fd: number, name: string): { offset: number; size: number } | null {
  const header = new Uint8Array(64);
  if (readAt(fd, header, 0) < 64) return null;
  const elf = new DataView(header.buffer);
  // "\x7fELF", 64-bit, little-endian
  if (elf.getUint32(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return null;
  const tableAt = Number(elf.getBigUint64(0x28, true));
  const entrySize = elf.getUint16(0x3a, true);
  const count = elf.getUint16(0x3c, true);
  const namesIndex = elf.getUint16(0x3e, true);
  if (entrySize < 64 || count === 0 || namesIndex >= count) return null;
  const table = new Uint8Array(entrySize * count);
  if (readAt(fd, table, tableAt) < table.length) return null;
  const sections = new DataView(table.buffer);
  const range = (index: number) => ({
    nameAt: sections.getUint32(index * entrySize, true),
    offset: Number(sections.getBigUint64(index * entrySize + 24, true)),
    size: Number(sections.getBigUint64(index * entrySize + 32, true)),
  });
  const names = range(namesIndex);
  const nameBytes = new Uint8Array(names.size);
  if (readAt(fd, nameBytes, names.offset) < names.size) return null;
  const wanted = new TextEncoder().encode(`${name}\0`);
  for (let index = 0; index < count; index++) {
    const section = range(index);
    const at = section.nameAt;
    if (at + wanted.length <= nameBytes.length && wanted.every((byte, i) => nameBytes[at + i] === byte)) {
      return { offset: section.offset, size: section.size };
    }
  }
  return null;
}

/** Where `head` starts within `[offset, offset + size)` of the file, or null. */
function find(fd: number, head: Uint8Array, { offset, size }: { offset: number; size: number }): number | null {
  const needle = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const chunk = Buffer.alloc(SCAN_CHUNK + head.length);
  // each read runs on past where the next starts by the head's length, so a head across the seam is found
  for (let start = offset; start < offset + size; start += SCAN_CHUNK) {
    const length = readAt(fd, chunk.subarray(0, Math.min(chunk.length, offset + size - start)), start);
    const at = chunk.subarray(0, length).indexOf(needle);
    if (at >= 0) return start + at;
  }
  return null;
}

/** Where the embedded file `path`, which starts with `head`, starts in `executable`; null when it cannot be told. */
export function locateEmbeddedFile(path: string, head: Uint8Array, executable = RUNNING_EXECUTABLE): number | null {
  if (!path.startsWith(EMBEDDED_ROOT) || head.length === 0) return null;
  const known = offsets.get(path);
  if (known !== undefined) return known;
  let found: number | null = null;
  const fd = openSync(executable, "r");
  try {
    const section = elfSection(fd, ".bun");
    const at = section && find(fd, head, section);
    if (section && at !== null && at + Bun.file(path).size <= section.offset + section.size) found = at;
  } finally {
    closeSync(fd);
  }
  offsets.set(path, found);
  return found;
}

/** The bytes of a file of the program, embedded or not, without touching the binary's mapping where it can. */
export function readEmbeddedFile(path: string, head: Uint8Array, executable = RUNNING_EXECUTABLE): Uint8Array<ArrayBuffer> {
  const at = locateEmbeddedFile(path, head, executable);
  if (at === null) return readFileSync(path);
  const bytes = new Uint8Array(Bun.file(path).size);
  const fd = openSync(executable, "r");
  try {
    const read = readAt(fd, bytes, at);
    // anything but the file where it was found (a shorter or another executable): the embedded copy, as before
    if (read < bytes.length || head.some((byte, i) => bytes[i] !== byte)) return readFileSync(path);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
