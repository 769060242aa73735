interface OperationNode {
  readonly key: string;
  readonly run: (() => Promise<void>) | undefined;
  readonly dependents: Set<OperationNode>;
  waiting: number;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';
}

/** How a graph run ended. */
export interface OperationGraphOutcome {
  /** Operations that threw, with their errors, in the order they failed. */
  failed: Map<string, unknown>;
  /** Operations not started because an operation they wait for failed. */
  skipped: string[];
  /** Operations not started because the run was aborted. */
  cancelled: string[];
}

/**
 * Operations with "runs after" edges, run with bounded concurrency: each starts as soon as everything
 * it waits for has succeeded, so independent branches never wait for each other. When one fails, what
 * waits for it (directly or not) is skipped and everything else goes on. Linear in operations and
 * edges.
 */
export class OperationGraph {
  readonly #nodes = new Map<string, OperationNode>();

  /** Adds an operation; `run` undefined for one that only orders others. */
  add(key: string, run: (() => Promise<void>) | undefined): void {
    this.#nodes.set(key, { key, run, dependents: new Set(), waiting: 0, status: 'pending' });
  }

  /** Whether an operation was added. */
  has(key: string): boolean {
    return this.#nodes.has(key);
  }

  /** Makes `later` wait for `earlier`; ignored when either is absent. */
  order(earlier: string, later: string): void {
    const first = this.#nodes.get(earlier);
    const second = this.#nodes.get(later);
    if (!first || !second || first === second || first.dependents.has(second)) return;
    first.dependents.add(second);
    second.waiting += 1;
  }

  /** Runs every operation; resolves once none is running and none can start. */
  run(options: { concurrency: number; signal?: AbortSignal }): Promise<OperationGraphOutcome> {
    const outcome: OperationGraphOutcome = { failed: new Map(), skipped: [], cancelled: [] };
    const ready: OperationNode[] = [];
    let head = 0;
    let active = 0;
    let remaining = this.#nodes.size;
    for (const node of this.#nodes.values()) if (node.waiting === 0) ready.push(node);

    return new Promise((resolve) => {
      const release = (node: OperationNode) => {
        for (const dependent of node.dependents) {
          dependent.waiting -= 1;
          if (dependent.waiting === 0 && dependent.status === 'pending') ready.push(dependent);
        }
      };
      const skipAfter = (node: OperationNode) => {
        const stack = [...node.dependents];
        while (stack.length > 0) {
          const dependent = stack.pop()!;
          if (dependent.status !== 'pending') continue;
          dependent.status = 'skipped';
          outcome.skipped.push(dependent.key);
          remaining -= 1;
          stack.push(...dependent.dependents);
        }
      };
      const finish = (node: OperationNode, error?: unknown, failed = false) => {
        active -= 1;
        remaining -= 1;
        if (failed) {
          node.status = 'failed';
          outcome.failed.set(node.key, error);
          skipAfter(node);
        } else {
          node.status = 'done';
          release(node);
        }
        pump();
      };
      const pump = () => {
        while (head < ready.length && active < options.concurrency && !options.signal?.aborted) {
          const node = ready[head++]!;
          if (node.status !== 'pending') continue;
          if (!node.run) {
            node.status = 'done';
            remaining -= 1;
            release(node);
            continue;
          }
          node.status = 'running';
          active += 1;
          node.run().then(
            () => finish(node),
            (error: unknown) => finish(node, error, true),
          );
        }
        if (active > 0) return;
        if (options.signal?.aborted && remaining > 0) {
          for (const node of this.#nodes.values())
            if (node.status === 'pending') {
              node.status = 'cancelled';
              outcome.cancelled.push(node.key);
            }
          remaining = 0;
        }
        if (remaining === 0) {
          resolve(outcome);
          return;
        }
        // Nothing runs and nothing is ready, yet operations wait: their edges form a cycle (possible only
        // among records from different versions of a stack). Start the first one to break it.
        for (const node of this.#nodes.values())
          if (node.status === 'pending') {
            ready.push(node);
            break;
          }
        pump();
      };
      pump();
    });
  }
}
