/**
 * @module `POST /v1/responses` (OpenAI's Responses API): validates with the TypeBox model, hands plain values to
 * the service, and writes JSON or named-event SSE. No try/catch: errors are rendered by the app's one handler.
 */
import { Elysia } from "elysia";
import { InvalidRequestError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import { bodyCheck } from "../check-body.ts";
import { jsonRequestBody } from "../openapi-detail.ts";
import { replyContextOf } from "../request-context.ts";
import { sseResponse } from "../../http/sse-response.ts";
import { CreateResponseRequest } from "./model.ts";
import type { ReplyService } from "../../reply/reply-service.ts";
import { responsesSse } from "./responses-sse.ts";
import { UPSTREAM_MODEL_HEADER } from "../../reply/served-model.ts";
import { ResponsesService } from "./service.ts";


export function responsesModule({ replies, logger }: { replies: ReplyService; logger: Logger }) {
  const service = new ResponsesService(replies);
  const checkBody = bodyCheck(CreateResponseRequest);
  return new Elysia({ name: "responses" }).post(
    "/v1/responses",
    async ({ body: checked, request, set, server }) => {
      // the transform below has checked it against the schema
      const body = checked as CreateResponseRequest;
      const result = await service.create(body, replyContextOf(request, body["Chatgpt-Account-Id"], server));
      if (result.upstreamModel !== null) set.headers[UPSTREAM_MODEL_HEADER] = result.upstreamModel;
      if (result.type === "json") return result.body;
      return sseResponse(result.events, { headers: set.headers as Record<string, string>, logger, dialect: responsesSse() });
    },
    {
      // a body that is not an object would otherwise reach the schema as something Elysia tried to coerce
      transform({ body }) {
        if (body === null || typeof body !== "object" || Array.isArray(body)) {
          throw new InvalidRequestError("The request body must be a JSON object with 'model' and 'input'.", { code: "invalid_body" });
        }
        checkBody(body);
      },
      detail: {
        requestBody: jsonRequestBody(CreateResponseRequest),
        tags: ["Responses"],
        summary: "Create a model response",
        description:
          "OpenAI's Responses API, answered by ChatGPT. `input` is a string or message items (`input_text`, `input_image`, " +
          "`input_file`); `instructions` is the system message. `stream: true` answers with named events (`response.created` … " +
          "`response.completed`). `previous_response_id` continues a conversation when history is on (HISTORY_DISABLED=false). " +
          "Function tools are accepted and ignored; a `tool_choice` forcing a call is a 400.",
      },
    },
  );
}
