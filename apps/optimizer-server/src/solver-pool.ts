import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InfernoAllocationSolution, InfernoSystemData } from '@icl/optimizer';
import { HttpError } from './http-error';
import type { SolveRequest } from './optimize-one';

/** How long a solve may run past its own time limit before its thread is ended: reading and answering. */
const deadlineGraceMilliseconds = 5_000;

/** The time limit a solve gets when the request sets none (the exact solver's default). */
const defaultTimeLimitMilliseconds = 10_000;

interface PooledWorker {
  worker: Worker;
  busy: boolean;
}

/**
 * Solver threads for the server: each solve runs on a worker thread, so one large or slow request never
 * holds the event loop (health checks and other requests are answered meanwhile), and a solve that
 * overruns its time limit by more than a grace period is ended with its thread, which frees whatever
 * memory it took. Threads are kept for the next request (loading the solver costs time); at most
 * `size` solves run at once, and a request beyond that is refused at once (503, try again) rather than
 * queued without bound.
 */
export class SolverPool {
  readonly #size: number;
  readonly #workers: PooledWorker[] = [];
  #nextId = 0;

  constructor(size = Math.max(2, Math.min(4, availableParallelism()))) {
    this.#size = size;
  }

  /**
   * Solves a system on a free thread, within its time limit plus a grace period.
   *
   * @throws HttpError 503 when every thread is busy or the solve overran its deadline.
   */
  async solve(data: InfernoSystemData, request: SolveRequest): Promise<InfernoAllocationSolution> {
    const pooled = this.#take();
    const id = this.#nextId++;
    const deadline =
      (request.timeLimitMilliseconds ?? defaultTimeLimitMilliseconds) + deadlineGraceMilliseconds;
    try {
      return await new Promise<InfernoAllocationSolution>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanUp();
          this.#discard(pooled);
          reject(
            new HttpError(503, {
              code: 'solve-timeout',
              message: `optimization error: the solve did not end within ${deadline} ms and was stopped.`,
              hint: 'Give a smaller system, or a shorter timeLimitMilliseconds so the exact solver returns its best answer in time.',
            }),
          );
        }, deadline);
        const onMessage = (message: { id: number; solution?: InfernoAllocationSolution; error?: string }) => {
          if (message.id !== id) return;
          cleanUp();
          if (message.error !== undefined) reject(new Error(message.error));
          else resolve(message.solution!);
        };
        const onExit = () => {
          cleanUp();
          this.#discard(pooled);
          reject(new Error('the solver thread ended unexpectedly'));
        };
        const cleanUp = () => {
          clearTimeout(timer);
          pooled.worker.off('message', onMessage);
          pooled.worker.off('exit', onExit);
        };
        pooled.worker.on('message', onMessage);
        pooled.worker.on('exit', onExit);
        pooled.worker.postMessage({ id, data, request });
      });
    } finally {
      pooled.busy = false;
    }
  }

  /** Ends every thread. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.splice(0).map(({ worker }) => worker.terminate()));
  }

  #take(): PooledWorker {
    const idle = this.#workers.find((pooled) => !pooled.busy);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    if (this.#workers.length >= this.#size)
      throw new HttpError(503, {
        code: 'busy',
        message: `The server is solving ${this.#size} systems already.`,
        hint: 'Try again in a few seconds.',
      });
    const worker = new Worker(workerEntry());
    worker.unref();
    const pooled = { worker, busy: true };
    this.#workers.push(pooled);
    return pooled;
  }

  #discard(pooled: PooledWorker): void {
    const index = this.#workers.indexOf(pooled);
    if (index !== -1) this.#workers.splice(index, 1);
    void pooled.worker.terminate();
  }
}

/** The worker's module: beside this one when bundled, else the package's build (tests run the source). */
function workerEntry(): string {
  const beside = fileURLToPath(new URL('./solve-worker.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../dist/solve-worker.js', import.meta.url));
}
