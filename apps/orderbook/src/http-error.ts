/**
 * A refusal the order book answers with: the HTTP status, a stable code and a message and hint a
 * tenant or provider can act on. Routes throw it; the server turns it into `{ error: { … } }`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 402 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
