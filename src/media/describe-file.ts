/**
 * @module What the upstream must be told about a file before upload (§7.1 steps 2–4): its real media type (magic
 * bytes over what the client declared), image width and height, a file name, and the upload `use_case`.
 */
import { imageSize } from "image-size";
import { jpegSize } from "./jpeg-size.ts";
import { MediaError } from "./media-error.ts";
import { extensionFor, mimeForName } from "./mime-table.ts";
import { sniffMime } from "./sniff-mime.ts";

export type UploadUseCase = "multimodal" | "my_files" | "ace_upload";

export interface FileDescription {
  name: string;
  mimeType: string;
  useCase: UploadUseCase;
  sizeBytes: number;
  width?: number;
  height?: number;
}

export interface DescribeFileInput {
  bytes: Uint8Array;
  /** `Content-Type` of the URL or the type a data: URL declared; empty or null when there was none. */
  declaredMime?: string | null;
  /** The client's file name (OpenAI `file.filename`), kept when given. */
  filename?: string | null;
  newId?: () => string;
}

/** The image types ChatGPT shows inline and reads with vision (upload use case `multimodal`). */
export const VISION_MIME_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Types the upstream indexes for retrieval (`my_files`), as chat2api lists them. */
const RETRIEVAL_MIME_TYPES: ReadonlySet<string> = new Set([
  "text/x-php",
  "application/msword",
  "text/x-c",
  "text/html",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/json",
  "text/javascript",
  "application/pdf",
  "text/x-java",
  "text/x-tex",
  "text/x-typescript",
  "application/x-sh",
  "text/x-csharp",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "text/x-c++",
  "application/x-latex",
  "text/markdown",
  "text/plain",
  "text/x-ruby",
  "text/x-script.python",
]);

/** Formats that are zip or OLE2 containers: the magic bytes say "container", the declared type says which. */
const CONTAINER_TYPES: Readonly<Record<string, ReadonlySet<string>>> = {
  "application/zip": new Set([
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/epub+zip",
  ]),
  "application/x-ole-storage": new Set(["application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"]),
};

const UNKNOWN_TYPES = new Set(["", "application/octet-stream", "binary/octet-stream", "application/unknown"]);

export function useCaseFor(mimeType: string): UploadUseCase {
  if (VISION_MIME_TYPES.has(mimeType)) return "multimodal";
  if (RETRIEVAL_MIME_TYPES.has(mimeType)) return "my_files";
  return "ace_upload";
}

function normalize(mimeType: string | null | undefined): string | null {
  const bare = mimeType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return UNKNOWN_TYPES.has(bare) ? null : bare;
}

export function detectMime(bytes: Uint8Array, declaredMime: string | null | undefined, filename: string | null | undefined): string {
  const declared = normalize(declaredMime);
  const named = filename ? mimeForName(filename) : null;
  const sniffed = sniffMime(bytes);
  if (sniffed !== null) {
    const members = CONTAINER_TYPES[sniffed];
    if (!members) return sniffed;
    return [declared, named].find((type): type is string => type !== null && members.has(type)) ?? sniffed;
  }
  if (declared !== null && VISION_MIME_TYPES.has(declared)) {
    throw new MediaError("bad-image", `the content was declared as ${declared} but is not a ${declared.slice(6).toUpperCase()} image`);
  }
  return declared ?? named ?? "application/octet-stream";
}

/** The client's name without any path, control characters or excess length; null when nothing usable is left. */
function cleanName(filename: string | null | undefined): string | null {
  const base = (filename ?? "").split(/[/\\]/).at(-1) ?? "";
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 200);
  return clean === "" || clean === "." || clean === ".." ? null : clean;
}

function dimensions(bytes: Uint8Array, mimeType: string): { width: number; height: number } {
  if (mimeType === "image/jpeg") {
    // our own walk: image-size's costs a second on a hostile file (the other formats' headers are at fixed places)
    const size = jpegSize(bytes);
    if (size === null) throw new MediaError("bad-image", `the ${mimeType} image could not be read (no frame header before the image data)`);
    if (size.width > 0 && size.height > 0) return size;
    throw new MediaError("bad-image", `the ${mimeType} image has no width or height`);
  }
  try {
    const { width, height } = imageSize(bytes);
    if (width > 0 && height > 0) return { width, height };
  } catch (error) {
    throw new MediaError("bad-image", `the ${mimeType} image could not be read (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  throw new MediaError("bad-image", `the ${mimeType} image has no width or height`);
}

export function describeFile({ bytes, declaredMime, filename, newId = () => crypto.randomUUID() }: DescribeFileInput): FileDescription {
  const mimeType = detectMime(bytes, declaredMime, filename);
  const description: FileDescription = {
    name: cleanName(filename) ?? `${newId()}${extensionFor(mimeType)}`,
    mimeType,
    useCase: useCaseFor(mimeType),
    sizeBytes: bytes.byteLength,
  };
  if (VISION_MIME_TYPES.has(mimeType)) Object.assign(description, dimensions(bytes, mimeType));
  return description;
}
