/**
 * @module What a message says about an image task (web-2026.md §7.2): a tool message with `async_task_type:
 * "image_gen"` is an image task; while it holds no image pointer (the "Processing image…" placeholder) the image is
 * still to come, and it arrives under the same message id (or at least the same `image_gen_task_id`).
 */
import { imagePointers } from "../../../translate/classify-message.ts";
import type { UpstreamMessage } from "../events.ts";

/** An image task still running: the message to watch and its task id (null when the upstream gave none). */
export interface PendingImage {
  messageId: string;
  taskId: string | null;
}

function isImageTask(message: UpstreamMessage): boolean {
  return message.author.role === "tool" && message.metadata.async_task_type === "image_gen";
}

export function hasImage(message: UpstreamMessage): boolean {
  return imagePointers(message).length > 0;
}

/** The pending task a message announces, or null when it is no image task or already holds its image. */
export function pendingImageOf(message: UpstreamMessage): PendingImage | null {
  if (!isImageTask(message) || hasImage(message)) return null;
  const taskId = message.metadata.image_gen_task_id;
  return { messageId: message.id, taskId: typeof taskId === "string" && taskId !== "" ? taskId : null };
}

/** Whether `message` is the one `pending` waits for: the same message id, or a tool message of the same task. */
export function answersPending(message: UpstreamMessage, pending: PendingImage): boolean {
  if (message.id === pending.messageId) return true;
  return pending.taskId !== null && isImageTask(message) && message.metadata.image_gen_task_id === pending.taskId;
}

/**
 * The reason a task ended without an image (`metadata.is_error` with text, or a `system_error` such as the quota's
 * `ChatGPTAgentToolRateLimitException`, §7.1), or null while it may still succeed.
 */
export function imageTaskFailure(message: UpstreamMessage): string | null {
  const content = message.content as { content_type: string; text?: unknown; parts?: unknown };
  const text = typeof content.text === "string" ? content.text : Array.isArray(content.parts) ? content.parts.filter((p) => typeof p === "string").join(" ") : "";
  if (content.content_type === "system_error") return text || "the image tool failed";
  if (message.metadata.is_error === true) return text || "the image task failed";
  return null;
}
