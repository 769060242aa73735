import { readFileSync } from 'node:fs';
import type { AllocationProblem } from '@icl/core';
import { sharedFixturesDirectory } from '../../../tooling/testbed/shared-fixtures.mjs';
import { infernoSystemToProblem, readInfernoDirectory } from '../src/index';

/** Inferno's fixtures, shared beside the repository (read only). */
export const infernoFixtures = `${sharedFixturesDirectory('inferno')}/`;

/** The sample sets with an expected unlimited solution. */
export const sampleSets = ['small', 'large', 'large-light'] as const;

/** A sample set's problem as Inferno's demo reads it (the `*-data.json` files of its directory). */
export async function sampleProblem(name: string): Promise<AllocationProblem> {
  return infernoSystemToProblem(await readInfernoDirectory(`${infernoFixtures}${name}`)).problem;
}

/** A fixture file parsed as JSON. */
export function readFixture<T>(relativePath: string): T {
  return JSON.parse(readFileSync(`${infernoFixtures}${relativePath}`, 'utf8')) as T;
}

/** The unit in the last place of a float32 near `value`: the resolution of Inferno's arithmetic there. */
export function float32Ulp(value: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(value))) - 23);
}
