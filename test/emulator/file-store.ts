/** @module Uploaded and generated files, with signed upload and download URLs like Azure blob SAS links. */
import { createHmac, randomBytes } from "node:crypto";
import type { GeneratedFile } from "./scenario.ts";

export interface StoredFile {
  id: string;
  ownerId: string;
  name: string;
  size: number;
  useCase: string;
  mimeType: string;
  bytes?: Uint8Array<ArrayBuffer>;
  /** `POST /files/{id}/uploaded` was called after the blob arrived. */
  completed: boolean;
  /** `GET /files/{id}` calls so far (retrieval indexing finishes on the second). */
  polls: number;
  /** Files an answer generated belong to its conversation. */
  conversationId?: string;
  sandbox?: { messageId: string; path: string };
}

export class FileStore {
  private readonly secret = randomBytes(16).toString("hex");
  private readonly files = new Map<string, StoredFile>();

  /** `estuary`: whether download links are 2026's `/backend-api/estuary/content` (bearer needed) or blob SAS links. */
  constructor(
    private readonly baseUrl: () => string,
    private readonly estuary: () => boolean = () => false,
  ) {}

  create(ownerId: string, name: string, size: number, useCase: string): StoredFile {
    const id = `file-${randomBytes(18).toString("base64url").replace(/[-_]/g, "x").slice(0, 24)}`;
    const file: StoredFile = { id, ownerId, name, size, useCase, mimeType: "application/octet-stream", completed: false, polls: 0 };
    this.files.set(id, file);
    return file;
  }

  addGenerated(ownerId: string, conversationId: string, generated: GeneratedFile): void {
    this.files.set(generated.fileId, {
      id: generated.fileId,
      ownerId,
      name: generated.name,
      size: generated.bytes.length,
      useCase: "generated",
      mimeType: generated.mimeType,
      bytes: generated.bytes,
      completed: true,
      polls: 0,
      conversationId,
      ...(generated.sandbox ? { sandbox: generated.sandbox } : {}),
    });
  }

  get(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  /** A file this caller uploaded completely, or undefined: what messages may point at. */
  usable(ownerId: string, id: string): StoredFile | undefined {
    const file = this.files.get(id);
    return file && file.ownerId === ownerId && file.completed ? file : undefined;
  }

  findSandbox(ownerId: string, conversationId: string, messageId: string, path: string): StoredFile | undefined {
    return [...this.files.values()].find(
      (f) => f.ownerId === ownerId && f.conversationId === conversationId && f.sandbox?.messageId === messageId && f.sandbox.path === path,
    );
  }

  sign(purpose: "upload" | "download", id: string): string {
    return createHmac("sha256", this.secret).update(`${purpose}:${id}`).digest("base64url");
  }

  uploadUrl(id: string): string {
    return `${this.baseUrl()}/blob/${id}?se=2099-01-01T00%3A00%3A00Z&sp=cw&sv=2020-04-08&sr=b&sig=${this.sign("upload", id)}`;
  }

  downloadUrl(id: string): string {
    if (this.estuary()) return `${this.baseUrl()}/backend-api/estuary/content?id=${id}&sig=${this.sign("download", id)}`;
    return `${this.baseUrl()}/files-content/${id}?se=2099-01-01T00%3A00%3A00Z&sp=r&sig=${this.sign("download", id)}`;
  }
}
