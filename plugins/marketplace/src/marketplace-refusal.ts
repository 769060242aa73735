/** The HTTP statuses an order book or provider refuses a request with. */
export type RefusalStatus = 400 | 401 | 402 | 403 | 404 | 409 | 413;

/** What a marketplace server answers when it refuses a request: `{ "error": { code, message, hint } }`. */
export interface RefusalBody {
  error: { code: string; message: string; hint?: string };
}

/**
 * A refusal an order book or provider answers with: the HTTP status, a stable code (`forbidden`,
 * `insufficient-funds`), and a message and hint the tenant or provider can act on. Routes throw it; the
 * server answers {@link MarketplaceRefusal.body} with its status, which `MarketplaceRequestError`
 * reads back on the client's side.
 */
export class MarketplaceRefusal extends Error {
  constructor(
    readonly status: RefusalStatus,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'MarketplaceRefusal';
  }

  /** The answer's body. */
  get body(): RefusalBody {
    return { error: { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) } };
  }
}
