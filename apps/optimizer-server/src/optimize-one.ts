import { type AllocationSolverV1, allocationSolvers } from '@icl/core';
import {
  FieldReader,
  type InfernoAllocationSolution,
  type InfernoSystemData,
  infernoSystemToProblem,
  parseInfernoJson,
  parseInfernoSystemData,
  solutionToInferno,
  solveAllocation,
} from '@icl/optimizer';
import { badRequestOf, HttpError } from './http-error';

/** The query parameters of `POST /optimizeOne`, as sent. */
export interface OptimizeOneQuery {
  /** `?mode=`: overrides the body's optimizer flags. */
  mode?: string;
  /** `?timeLimitMilliseconds=`: the exact solver's time limit. */
  timeLimitMilliseconds?: string;
}

/** The query parameters of `POST /optimizeOne`, checked. */
export interface SolveRequest {
  mode?: AllocationSolverV1;
  timeLimitMilliseconds?: number;
}

/** The largest time limit a request may ask for: ten minutes. */
export const maximumTimeLimitMilliseconds = 600_000;

/** How errors name the body. */
const bodyName = 'request body';

/**
 * Reads a JSON request body with one of `@icl/optimizer`'s readers. Malformed JSON is an `invalid-json`
 * error with the line and column (`jsonHint` says what to send); a missing, ill-typed or out-of-range
 * field is an `invalid-field` error naming its path.
 *
 * @throws HttpError (400).
 */
export function readInfernoBody<T>(text: string, read: (reader: FieldReader) => T, jsonHint?: string): T {
  let parsed: ReturnType<typeof parseInfernoJson>;
  try {
    parsed = parseInfernoJson(text, bodyName);
  } catch (error) {
    throw badRequestOf(error, 'invalid-json', jsonHint);
  }
  try {
    return read(new FieldReader(parsed.value, parsed.source));
  } catch (error) {
    throw badRequestOf(error, 'invalid-field');
  }
}

/** Reads a `POST /optimizeOne` body (see {@link readInfernoBody}). */
export function readSystemData(text: string): InfernoSystemData {
  return readInfernoBody(
    text,
    (reader) => parseInfernoSystemData(reader.value, reader.source),
    'Send one JSON object, Inferno’s system-data.json: {"system": {"acceleratorData": …, …}}.',
  );
}

/**
 * Checks the query parameters of `POST /optimizeOne`.
 *
 * @throws HttpError (400) naming the parameter that is wrong.
 */
export function readSolveRequest(query: OptimizeOneQuery): SolveRequest {
  const request: SolveRequest = {};
  const mode = readMode(query.mode);
  if (mode) request.mode = mode;
  const timeLimit = readTimeLimit(query.timeLimitMilliseconds);
  if (timeLimit !== undefined) request.timeLimitMilliseconds = timeLimit;
  return request;
}

/**
 * Solves a system read by {@link readSystemData}, with the solver its flags or `request.mode` choose, and
 * answers in Inferno's solution shape.
 */
export async function optimizeSystem(
  data: InfernoSystemData,
  request: SolveRequest = {},
): Promise<InfernoAllocationSolution> {
  const { problem, options: flags } = infernoSystemToProblem(data);
  // A mode in the query wins over the body's flags.
  const solution = await solveAllocation(problem, {
    ...flags,
    ...(request.mode === undefined ? {} : { solver: request.mode }),
    ...(request.timeLimitMilliseconds === undefined
      ? {}
      : { timeLimitMilliseconds: request.timeLimitMilliseconds }),
  });
  return solutionToInferno(solution, problem);
}

function readMode(text: string | undefined): AllocationSolverV1 | undefined {
  if (text === undefined) return undefined;
  if ((allocationSolvers as readonly string[]).includes(text)) return text as AllocationSolverV1;
  throw new HttpError(400, {
    code: 'invalid-query-parameter',
    field: 'mode',
    message: `The query parameter mode is "${text}", not a solver.`,
    hint: `Give mode=${allocationSolvers.join(', mode=')}, or leave it out to follow the body's optimizerData flags.`,
  });
}

function readTimeLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (value >= 1 && value <= maximumTimeLimitMilliseconds) return value;
  throw new HttpError(400, {
    code: 'invalid-query-parameter',
    field: 'timeLimitMilliseconds',
    message: `The query parameter timeLimitMilliseconds is "${text}", not a whole number of milliseconds from 1 to ${maximumTimeLimitMilliseconds}.`,
    hint: 'Give for example timeLimitMilliseconds=2000, or leave it out for the default of 10 s.',
  });
}
