import { parentPort } from 'node:worker_threads';
import type { InfernoSystemData } from '@icl/optimizer';
import { optimizeSystem, type SolveRequest } from './optimize-one';

/**
 * A solver thread of the server (see `SolverPool`): solves each system it is sent and posts the
 * solution back, or the error's message. Solving here keeps the server's event loop free: `/health` and
 * other requests are answered while a solve runs, and a solve past its deadline is ended by ending the
 * thread.
 */
parentPort?.on('message', async (message: { id: number; data: InfernoSystemData; request: SolveRequest }) => {
  try {
    const solution = await optimizeSystem(message.data, message.request);
    parentPort?.postMessage({ id: message.id, solution });
  } catch (error) {
    parentPort?.postMessage({
      id: message.id,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});
