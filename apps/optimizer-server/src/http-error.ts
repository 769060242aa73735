import { InvalidArgumentError } from '@icl/core';
import type { Context } from 'hono';
/** The stable codes of the server's error answers (the `code` of {@link ErrorBody}). */
export type ErrorCode =
  | 'invalid-json'
  | 'invalid-field'
  | 'invalid-query-parameter'
  | 'not-found'
  | 'payload-too-large'
  | 'busy'
  | 'solve-timeout'
  | 'internal';

/**
 * What the server answers when it refuses a request. `message` is where Inferno's server puts its own
 * error text, so clients written for Inferno show it unchanged; the other fields are for programs and for
 * a person fixing the body.
 */
export interface ErrorBody {
  message: string;
  code: ErrorCode;
  /** The offending field's path in the body (`system.serverData.servers[2].currentAlloc.load.arrivalRate`), or the query parameter. */
  field?: string;
  /** `request body:line:column` of the offending field or of the syntax error. */
  location?: string;
  hint?: string;
}

/** A refusal: routes throw it and the server answers `status` with its {@link ErrorBody}. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 404 | 413 | 500 | 503,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'HttpError';
  }
}

/**
 * The 400 for an `InvalidArgumentError` a reader threw: `invalid-json` (malformed, located at its line
 * and column; `jsonHint` says what to send) or `invalid-field` (with the field's path). Anything else is
 * returned as it is, to answer 500.
 */
export function badRequestOf(
  error: unknown,
  code: 'invalid-json' | 'invalid-field',
  jsonHint?: string,
): unknown {
  if (!InvalidArgumentError.isInstance(error)) return error;
  const hint = code === 'invalid-json' ? (jsonHint ?? error.hint) : error.hint;
  return new HttpError(400, {
    code,
    message: error.message,
    ...(code === 'invalid-field' ? { field: error.argument } : {}),
    ...(error.location ? { location: error.location } : {}),
    ...(hint ? { hint } : {}),
  });
}

/** Inferno's 404 answer (`message` as Inferno words it), with a hint naming the route that lists what there is. */
export function notFoundResponse(c: Context, message: string, listRoute: string): Response {
  const body: ErrorBody = { code: 'not-found', message, hint: `GET ${listRoute} lists what the system has.` };
  return c.json(body, 404);
}
