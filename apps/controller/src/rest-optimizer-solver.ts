import { type AllocationSolution, BackendUnavailableError, type UnallocatedServer } from '@icl/core';
import { type InfernoSystemData, infernoToSolution } from '@icl/optimizer';
import type { AllocationSolver } from './allocation-solver';

/**
 * Solves by `POST <url>/optimizeOne` on an Inferno-compatible optimizer server (Inferno's own, or ICL's
 * `apps/optimizer-server`), with the system data as the body, as Inferno's stateless controller does. The
 * answer is Inferno's `solution-data.json`; ICL's server adds `unallocated` with the reasons; Inferno's
 * gives none, so its servers left out are reported without one.
 */
export function createRestOptimizerSolver(
  url: string,
  options: { timeoutMilliseconds?: number } = {},
): AllocationSolver {
  const endpoint = `${url.replace(/\/+$/, '')}/optimizeOne`;
  const unavailable = (message: string, cause?: unknown) =>
    new BackendUnavailableError({
      backendName: 'optimizer-server',
      message,
      hint: `Check that the optimizer server answers at ${url}, or unset the optimizer URL to solve in process.`,
      isRetryable: true,
      cause,
    });
  return {
    description: endpoint,
    async solve(data: InfernoSystemData): Promise<AllocationSolution> {
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(data),
          signal: AbortSignal.timeout(options.timeoutMilliseconds ?? 60_000),
        });
      } catch (error) {
        throw unavailable(
          `The optimizer server at ${endpoint} did not answer: ${(error as Error).message}`,
          error,
        );
      }
      const text = await response.text();
      if (!response.ok) {
        throw unavailable(
          `The optimizer server at ${endpoint} answered ${response.status} ${response.statusText}: ${text.trim().slice(0, 500)}`,
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw unavailable(`The optimizer server at ${endpoint} answered with invalid JSON.`, error);
      }
      const solution = infernoToSolution(body, `the answer of ${endpoint}`);
      const given = (body as { unallocated?: unknown }).unallocated;
      const explained = Array.isArray(given) ? (given as UnallocatedServer[]) : [];
      return { ...solution, unallocated: explained };
    },
  };
}
