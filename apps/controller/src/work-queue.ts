/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Handles one key; a thrown error retries the key later, with a growing delay. */
  handle: (key: string) => Promise<void>;
  /** Told of each failure, with the delay before the retry. */
  onFailure: (key: string, error: unknown, retryInMilliseconds: number) => void;
  /** First retry delay; doubled per consecutive failure of a key. */
  baseRetryMilliseconds?: number;
  maximumRetryMilliseconds?: number;
}

/**
 * The controller's queue of work, as client-go's: a key waiting is never queued twice, one key is handled
 * at a time (so two reconciliations never race over the same objects), a key added while it is being
 * handled is handled again afterwards, and a failing key is retried with exponential back-off. While paused
 * (this replica is not the leader) keys wait; nothing is handled.
 */
export class WorkQueue {
  readonly #options: WorkQueueOptions;
  readonly #waiting = new Set<string>();
  readonly #order: string[] = [];
  readonly #failures = new Map<string, number>();
  readonly #delayed = new Map<string, NodeJS.Timeout>();
  #running = false;
  #paused = true;
  #stopped = false;
  #current: Promise<void> | undefined;

  constructor(options: WorkQueueOptions) {
    this.#options = options;
  }

  /** Queues a key, now or after a delay. */
  add(key: string, delayMilliseconds = 0): void {
    if (this.#stopped) return;
    if (delayMilliseconds > 0) {
      if (this.#delayed.has(key)) return;
      const timer = setTimeout(() => {
        this.#delayed.delete(key);
        this.add(key);
      }, delayMilliseconds);
      timer.unref();
      this.#delayed.set(key, timer);
      return;
    }
    if (!this.#waiting.has(key)) {
      this.#waiting.add(key);
      this.#order.push(key);
    }
    this.#pump();
  }

  /** Starts handling keys. */
  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  /** Stops taking keys (the one being handled finishes); waiting keys stay. */
  pause(): void {
    this.#paused = true;
  }

  /** Stops for good, after the key being handled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#paused = true;
    for (const timer of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    await this.#current;
  }

  #pump(): void {
    if (this.#running || this.#paused || this.#stopped) return;
    const key = this.#order.shift();
    if (key === undefined) return;
    this.#waiting.delete(key);
    this.#running = true;
    this.#current = this.#handle(key).finally(() => {
      this.#running = false;
      this.#pump();
    });
  }

  async #handle(key: string): Promise<void> {
    try {
      await this.#options.handle(key);
      this.#failures.delete(key);
    } catch (error) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      const base = this.#options.baseRetryMilliseconds ?? 500;
      const delay = Math.min(base * 2 ** (failures - 1), this.#options.maximumRetryMilliseconds ?? 60_000);
      this.#options.onFailure(key, error, delay);
      this.add(key, delay);
    }
  }
}
