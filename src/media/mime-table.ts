/** @module The one table of media types and file extensions (§7.1 step 3), read both ways. */

const TABLE: ReadonlyArray<readonly [mimeType: string, extension: string]> = [
  ["image/png", ".png"],
  ["image/jpeg", ".jpg"],
  ["image/jpeg", ".jpeg"],
  ["image/gif", ".gif"],
  ["image/webp", ".webp"],
  ["image/bmp", ".bmp"],
  ["image/tiff", ".tiff"],
  ["image/svg+xml", ".svg"],
  ["application/pdf", ".pdf"],
  ["application/zip", ".zip"],
  ["application/gzip", ".gz"],
  ["application/json", ".json"],
  ["application/msword", ".doc"],
  ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"],
  ["application/vnd.ms-excel", ".xls"],
  ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"],
  ["application/vnd.ms-powerpoint", ".ppt"],
  ["application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"],
  ["application/vnd.oasis.opendocument.text", ".odt"],
  ["application/vnd.oasis.opendocument.spreadsheet", ".ods"],
  ["application/vnd.oasis.opendocument.presentation", ".odp"],
  ["application/epub+zip", ".epub"],
  ["application/x-sh", ".sh"],
  ["application/x-latex", ".latex"],
  ["text/plain", ".txt"],
  ["text/markdown", ".md"],
  ["text/html", ".html"],
  ["text/css", ".css"],
  ["text/csv", ".csv"],
  ["text/xml", ".xml"],
  ["text/javascript", ".js"],
  ["text/x-typescript", ".ts"],
  ["text/x-script.python", ".py"],
  ["text/x-python", ".py"],
  ["text/x-java", ".java"],
  ["text/x-c", ".c"],
  ["text/x-c++", ".cpp"],
  ["text/x-csharp", ".cs"],
  ["text/x-php", ".php"],
  ["text/x-ruby", ".rb"],
  ["text/x-tex", ".tex"],
];

/** The usual extension for a type (with its dot), or "" when the table does not know it. */
export function extensionFor(mimeType: string): string {
  return TABLE.find(([type]) => type === mimeType)?.[1] ?? "";
}

/** The type a file name's extension suggests, or null. */
export function mimeForName(name: string): string | null {
  const dot = name.lastIndexOf(".");
  if (dot < 0) return null;
  const extension = name.slice(dot).toLowerCase();
  return TABLE.find(([, ext]) => ext === extension)?.[0] ?? null;
}
