import { IclError } from '@icl/core';

const marker = 'icl.error.marketplace-request';
const symbol = Symbol.for(marker);

/** Options of {@link MarketplaceRequestError}. */
export interface MarketplaceRequestErrorOptions {
  message: string;
  hint?: string;
  /** The HTTP status the server answered, or undefined when it did not answer. */
  status: number | undefined;
  /** The server's error code (`forbidden`, `not-found`, `insufficient-funds`), when it gave one. */
  serverCode?: string;
  cause?: unknown;
}

/**
 * An order book or provider refused a request or could not be reached. `status` and `serverCode` say
 * which (403 `forbidden` for a key that does not own the lease); the message names the server.
 */
export class MarketplaceRequestError extends IclError {
  protected readonly [symbol] = true;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;

  constructor(options: MarketplaceRequestErrorOptions) {
    super('marketplace-request-failed', {
      message: options.message,
      ...(options.hint ? { hint: options.hint } : {}),
      cause: options.cause,
      isRetryable: options.status === undefined || options.status >= 500,
    });
    this.name = 'MarketplaceRequestError';
    this.status = options.status;
    this.serverCode = options.serverCode;
  }

  static override isInstance(error: unknown): error is MarketplaceRequestError {
    return IclError.hasMarker(error, marker);
  }
}
