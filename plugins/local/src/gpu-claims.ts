import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  type GpuRequest,
  gpuMemoryBytes,
  gpuModelMatches,
  type InventoryGpu,
  ResourceUnavailableError,
} from '@icl/core';
import { LocalRunDirectory } from './local-run-directory';

interface GpuClaim {
  runId: string;
  directory: string;
}

/**
 * Reserves GPUs for a run so that concurrent runs never share a device. A claim is a file per GPU index
 * created exclusively; claims of runs that have ended (or whose files are gone) are taken over.
 *
 * @returns the claimed GPU indices, for `CUDA_VISIBLE_DEVICES`.
 * @throws ResourceUnavailableError saying what exists and what is in use.
 */
export async function claimGpus(
  claimDirectory: string,
  inventory: InventoryGpu[],
  request: GpuRequest,
  claim: GpuClaim,
): Promise<string[]> {
  const minimumMemory = gpuMemoryBytes(request);
  const suitable = inventory.filter(
    (gpu) =>
      (!request.model || gpuModelMatches(gpu.model, request.model)) && gpu.memoryBytes >= minimumMemory,
  );
  const wanted = describeRequest(request);
  if (suitable.length < request.count) {
    const present = inventory.map((gpu) => `${gpu.id}: ${gpu.model}`).join(', ') || 'none';
    throw new ResourceUnavailableError({
      resource: wanted,
      message: `This machine cannot provide ${wanted}: it has ${suitable.length} suitable GPU(s) (present: ${present}).`,
      hint: 'Ask for fewer GPUs or another model, or run on an infrastructure that has them (--on).',
    });
  }
  await fs.mkdir(claimDirectory, { recursive: true });
  const claimed: string[] = [];
  for (const gpu of suitable) {
    if (claimed.length === request.count) break;
    if (await tryClaim(path.join(claimDirectory, gpu.id), claim)) claimed.push(gpu.id);
  }
  if (claimed.length < request.count) {
    await releaseGpus(claimDirectory, claim.runId);
    throw new ResourceUnavailableError({
      resource: wanted,
      message: `Only ${claimed.length} of the ${suitable.length} suitable GPU(s) are free; ${wanted} requested. The others are in use by other runs.`,
      hint: 'Wait for running programs to end (icl runs), or ask for fewer GPUs.',
      isRetryable: true,
    });
  }
  return claimed;
}

/** Releases every GPU claimed by a run. */
export async function releaseGpus(claimDirectory: string, runId: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(claimDirectory);
  } catch {
    return;
  }
  for (const entry of entries) {
    const file = path.join(claimDirectory, entry);
    const claim = await readClaim(file);
    if (claim?.runId === runId) await fs.rm(file, { force: true });
  }
}

async function tryClaim(file: string, claim: GpuClaim): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await fs.writeFile(file, JSON.stringify(claim), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readClaim(file);
      if (holder && !(await hasEnded(holder))) return false;
      await fs.rm(file, { force: true });
    }
  }
  return false;
}

async function hasEnded(claim: GpuClaim): Promise<boolean> {
  try {
    await fs.access(claim.directory);
  } catch {
    return true;
  }
  // Ended once its process exited (the supervisor wrote how) or its end was recorded (a lost supervisor).
  const directory = new LocalRunDirectory(claim.directory);
  return existsSync(directory.exit) || (await directory.readFinalState()) !== undefined;
}

async function readClaim(file: string): Promise<GpuClaim | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as GpuClaim;
  } catch {
    return undefined;
  }
}

function describeRequest(request: GpuRequest): string {
  const model = request.model ? `${request.model} ` : '';
  const memory = request.memory === undefined ? '' : ` with at least ${request.memory} memory`;
  return `${request.count} ${model}GPU${request.count === 1 ? '' : 's'}${memory}`;
}
