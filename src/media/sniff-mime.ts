/**
 * @module The media type a file's first bytes prove. Clients often declare the wrong type (a JPEG sent as
 * `data:image/png`, a CDN answering `application/octet-stream`), and the upstream trusts what we tell it.
 */

interface Signature {
  mimeType: string;
  offset: number;
  bytes: readonly number[];
}

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

const SIGNATURES: readonly Signature[] = [
  { mimeType: "image/png", offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mimeType: "image/jpeg", offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { mimeType: "image/gif", offset: 0, bytes: ascii("GIF87a") },
  { mimeType: "image/gif", offset: 0, bytes: ascii("GIF89a") },
  { mimeType: "image/webp", offset: 8, bytes: ascii("WEBP") },
  { mimeType: "image/bmp", offset: 0, bytes: ascii("BM") },
  { mimeType: "image/tiff", offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] },
  { mimeType: "image/tiff", offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { mimeType: "application/pdf", offset: 0, bytes: ascii("%PDF-") },
  { mimeType: "application/zip", offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { mimeType: "application/gzip", offset: 0, bytes: [0x1f, 0x8b] },
  // OLE2 compound file: legacy .doc/.xls/.ppt
  { mimeType: "application/x-ole-storage", offset: 0, bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
];

function matches(bytes: Uint8Array, signature: Signature): boolean {
  if (signature.mimeType === "image/webp" && !ascii("RIFF").every((byte, index) => bytes[index] === byte)) return false;
  return signature.bytes.every((byte, index) => bytes[signature.offset + index] === byte);
}

/** The type the magic bytes prove, or null when they prove nothing (text, unknown formats). */
export function sniffMime(bytes: Uint8Array): string | null {
  return SIGNATURES.find((signature) => matches(bytes, signature))?.mimeType ?? null;
}
