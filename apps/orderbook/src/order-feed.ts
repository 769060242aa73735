/**
 * Wakes long polls (`GET /orders?after=N&wait=S`) when an order changes, so providers see new orders
 * at once instead of on their next poll.
 */
export class OrderFeed {
  readonly #waiting = new Set<() => void>();

  /** Resolves on the next change, or after `milliseconds`, or when `signal` aborts. */
  next(milliseconds: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiting.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, milliseconds);
      this.#waiting.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every waiting poll. */
  changed(): void {
    for (const wake of [...this.#waiting]) wake();
  }

  /** Wakes everyone, for shutdown. */
  close(): void {
    this.changed();
  }
}
