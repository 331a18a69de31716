/**
 * @module `POST /v1/chat/completions`: validates with the TypeBox model, hands plain values to the service, and
 * writes JSON or SSE. No try/catch: errors are typed and rendered by the app's one error handler.
 */
import { Elysia } from "elysia";
import { InvalidRequestError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import { responsesInput } from "../../translate/responses-input.ts";
import { bodyCheck } from "../check-body.ts";
import { jsonRequestBody } from "../openapi-detail.ts";
import { replyContextOf } from "../request-context.ts";
import { ChatCompletionRequest } from "./model.ts";
import type { ChatService } from "./service.ts";
import { sseResponse } from "../../http/sse-response.ts";
import { UPSTREAM_MODEL_HEADER } from "../../reply/served-model.ts";

export function chatModule({ service, logger }: { service: ChatService; logger: Logger }) {
  const checkBody = bodyCheck(ChatCompletionRequest);
  return new Elysia({ name: "chat" }).post(
    "/v1/chat/completions",
    async ({ body: checked, request, set, server }) => {
      // the transform below has checked it against the schema
      const body = checked as ChatCompletionRequest;
      const result = await service.complete(body, replyContextOf(request, body["Chatgpt-Account-Id"], server));
      if (result.upstreamModel !== null) set.headers[UPSTREAM_MODEL_HEADER] = result.upstreamModel;
      if (result.type === "json") return result.body;
      return sseResponse(result.chunks, { headers: set.headers as Record<string, string>, logger });
    },
    {
      // Elysia would coerce a string into a one-item array; a client that sent `"messages": "hi"` must hear so
      transform({ body }) {
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
          throw new InvalidRequestError("The request body must be a JSON object with 'model' and 'messages'.", { code: "invalid_body" });
        }
        const request = body as { messages?: unknown; input?: unknown; instructions?: unknown; max_output_tokens?: unknown };
        // Cursor's agent mode has been seen sending Responses-shaped bodies here: read them as the chat they mean
        if (request.messages === undefined && (typeof request.input === "string" || Array.isArray(request.input))) {
          const instructions = typeof request.instructions === "string" ? request.instructions : null;
          request.messages = responsesInput(request.input, instructions).messages;
          if (typeof request.max_output_tokens === "number") (request as { max_tokens?: number }).max_tokens = request.max_output_tokens;
        }
        const messages = request.messages;
        if (messages !== undefined && !Array.isArray(messages)) {
          throw new InvalidRequestError("Invalid value for 'messages': expected an array of message objects.", { param: "messages", code: "invalid_type" });
        }
        checkBody(body);
      },
      detail: {
        requestBody: jsonRequestBody(ChatCompletionRequest),
        tags: ["Chat"],
        summary: "Create a chat completion",
        description:
          "OpenAI's chat completions, answered by ChatGPT. `stream: true` answers with server-sent events ending in `data: [DONE]`; " +
          "`stream_options.include_usage` adds a usage chunk. chat2api extensions: `history_disabled`, `conversation_id`, " +
          "`parent_message_id`, `Chatgpt-Account-Id`.",
      },
    },
  );
}
