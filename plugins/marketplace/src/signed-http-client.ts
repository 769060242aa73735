import type { MarketplaceKey } from './marketplace-key';
import { MarketplaceRequestError } from './marketplace-request-error';
import type { ErrorBody } from './order-book-records';
import { signRequest } from './request-signature';

/** Options of one request. */
export interface RequestOptions {
  /** Sign the request with the client's key (default true when the client has a key). */
  readonly signed?: boolean;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Give up after this long; default 15 s. Long polls pass their own. */
  readonly timeoutMilliseconds?: number;
}

/**
 * JSON over HTTP to an order book or a provider, each request signed with the caller's key. Errors
 * come back as {@link MarketplaceRequestError} with the server's own message and hint.
 */
export class SignedHttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: MarketplaceKey | undefined,
    /** What the server is, for messages (`the order book at http://…`). */
    private readonly description: string,
  ) {}

  async json<Result>(method: string, pathWithQuery: string, options: RequestOptions = {}): Promise<Result> {
    const response = await this.request(method, pathWithQuery, options);
    return (await response.json()) as Result;
  }

  /** The raw response (for streams), once its status is a success. */
  async request(method: string, pathWithQuery: string, options: RequestOptions = {}): Promise<Response> {
    const body = options.body === undefined ? '' : JSON.stringify(options.body);
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const url = new URL(pathWithQuery, this.baseUrl);
    // Signed as the server will see it (`/logs?` arrives as `/logs`).
    if (this.key && options.signed !== false) {
      Object.assign(headers, signRequest(this.key, method, url.pathname + url.search, body));
    }
    const timeout = AbortSignal.timeout(options.timeoutMilliseconds ?? 15_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body }),
        signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new MarketplaceRequestError({
        status: undefined,
        message: `Could not reach ${this.description} (${method} ${pathWithQuery}): ${(error as Error).message}.`,
        hint: 'Check that it is running and that the address in your settings is right.',
        cause: error,
      });
    }
    if (response.ok) return response;
    let parsed: ErrorBody | undefined;
    const text = await response.text();
    try {
      parsed = JSON.parse(text) as ErrorBody;
    } catch {
      parsed = undefined;
    }
    throw new MarketplaceRequestError({
      status: response.status,
      ...(parsed?.error?.code ? { serverCode: parsed.error.code } : {}),
      message: `${capitalized(this.description)} refused ${method} ${pathWithQuery} (${response.status}): ${parsed?.error?.message ?? (text.slice(0, 200) || response.statusText)}`,
      ...(parsed?.error?.hint ? { hint: parsed.error.hint } : {}),
    });
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
