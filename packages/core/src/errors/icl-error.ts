const marker = 'icl.error';
const symbol = Symbol.for(marker);

/** Options shared by every ICL error. */
export interface IclErrorOptions {
  /** Human-readable description of what went wrong, in one line where possible. */
  message: string;
  /**
   * What the user can do about it ("run `icl plugins ls` to see installed backends"). Kept apart from
   * the message so the CLI can print it on its own line and programs can show it however they like.
   */
  hint?: string;
  /** The underlying error, kept for debugging; never shown to users with secrets in it. */
  cause?: unknown;
  /** Whether trying the same operation again may succeed (a daemon restarting, a lock held briefly). */
  isRetryable?: boolean;
}

/**
 * The base of every error ICL and its plugins raise on purpose.
 *
 * Each subclass has a stable `code` that programs can switch on, and that stays the same across
 * releases even when the message is improved. `IclError.isInstance(error)` recognises errors from any
 * installed copy of `@icl/core` (a plugin may bring its own), where `instanceof` would fail.
 */
export class IclError extends Error {
  protected readonly [symbol] = true;

  /** Stable, kebab-case identifier of the kind of error (`unknown-backend`, `run-timed-out`, …). */
  readonly code: string;
  /** What the user can do to fix the problem, when ICL knows. */
  readonly hint: string | undefined;
  /** Whether trying again may succeed. */
  readonly isRetryable: boolean;

  constructor(code: string, options: IclErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IclError';
    this.code = code;
    this.hint = options.hint;
    this.isRetryable = options.isRetryable ?? false;
  }

  /** Whether `error` is an ICL error, from this or any other installed copy of `@icl/core`. */
  static isInstance(error: unknown): error is IclError {
    return IclError.hasMarker(error, marker);
  }

  /**
   * Whether `error` carries the brand `Symbol.for(brand)`. Subclasses use it to implement their own
   * `isInstance` that works across package copies.
   */
  protected static hasMarker(error: unknown, brand: string): boolean {
    return (
      error != null &&
      typeof error === 'object' &&
      (error as Record<symbol, unknown>)[Symbol.for(brand)] === true
    );
  }
}
