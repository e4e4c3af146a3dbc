import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './http-error.js';

/** Request bodies above this many bytes are refused (the largest valid body is well under 1 KB). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The request's JSON body as a plain object (`{}` when there is none). API Gateway may hand the
 * body over base64-encoded; `curl -d` sends JSON as `application/x-www-form-urlencoded`, so the
 * content type is not checked: the body must simply be a JSON object.
 *
 * @throws HttpError 413 for a body over {@link MAX_BODY_BYTES}, 400 `INVALID_JSON` for anything
 * that is not a JSON object.
 */
export function parseJsonBody(event: APIGatewayProxyEventV2): Record<string, unknown> {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') return {};
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'INVALID_JSON', 'The body must be a JSON object, e.g. {"amount": 1250}');
  }
  return parsed as Record<string, unknown>;
}
