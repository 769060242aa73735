import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ResourceUnavailableError, UnsupportedCapabilityError } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLocalBackend } from '../src/index';
import { createTemporaryRoot, runRequest, writeProgram } from './helpers';

// No machine here has a GPU, so a stand-in nvidia-smi answers the query the backend sends,
// in the format the real one prints for `--format=csv,noheader,nounits`.
const fakeNvidiaSmi = `#!/bin/sh
case "$*" in
  *--query-gpu=index,uuid,name,memory.total*) printf '0, GPU-0a, NVIDIA A100-SXM4-80GB, 81920\\n1, GPU-1a, NVIDIA A100-SXM4-80GB, 81920\\n2, GPU-2a, NVIDIA L4, 23034\\n' ;;
  *) echo "unexpected arguments: $*" >&2; exit 9 ;;
esac
`;

describe('GPUs on the local machine', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let nvidiaSmi: string;
  let program: string;
  beforeAll(async () => {
    temporary = await createTemporaryRoot();
    nvidiaSmi = await writeProgram(temporary.root, 'nvidia-smi', fakeNvidiaSmi);
    await fs.chmod(nvidiaSmi, 0o755);
    program = await writeProgram(
      temporary.root,
      'gpu.py',
      'import os, time\nprint(os.environ.get("CUDA_VISIBLE_DEVICES"))\ntime.sleep(float(os.environ.get("HOLD", "0")))\n',
    );
  });
  afterAll(() => temporary.remove());

  const backend = () =>
    createLocalBackend({ nvidiaSmi }, { stateDirectory: temporary.state, cacheDirectory: temporary.cache });

  test('the inventory lists the GPUs the driver reports', async () => {
    const inventory = await backend().inventory();
    expect(inventory.nodes[0]?.gpus).toEqual([
      { id: '0', model: 'NVIDIA A100-SXM4-80GB', memoryBytes: 80 * 2 ** 30 },
      { id: '1', model: 'NVIDIA A100-SXM4-80GB', memoryBytes: 80 * 2 ** 30 },
      { id: '2', model: 'NVIDIA L4', memoryBytes: 23034 * 2 ** 20 },
    ]);
  });

  test('GPUs are assigned by model through CUDA_VISIBLE_DEVICES, never twice at once, and released at the end', async () => {
    const local = backend();
    const holding = await local.startRun(
      runRequest({ kind: 'script', path: program }, { gpu: 'A100', environment: { HOLD: '2' } }),
    );
    const second = await local.startRun(runRequest({ kind: 'script', path: program }, { gpu: 'A100:1' }));
    const third = await local.startRun(runRequest({ kind: 'script', path: program }, { gpu: 'L4' }));
    const outputs = [];
    for (const handle of [holding, second, third]) {
      expect((await local.waitForRun(handle)).status).toBe('succeeded');
      let text = '';
      for await (const chunk of local.readLogs(handle)) text += chunk.text;
      outputs.push(text.trim());
    }
    expect(outputs).toEqual(['0', '1', '2']);
    const again = await local.startRun(runRequest({ kind: 'script', path: program }, { gpu: 'A100:2' }));
    expect((await local.waitForRun(again)).status).toBe('succeeded');
    let text = '';
    for await (const chunk of local.readLogs(again)) text += chunk.text;
    expect(text.trim()).toBe('0,1');
  }, 30_000);

  test('a request the machine cannot satisfy is refused with what it has', async () => {
    const error = await backend()
      .startRun(runRequest({ kind: 'script', path: program }, { gpu: 'H100:8' }))
      .catch((caught: unknown) => caught);
    expect(ResourceUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'This machine cannot provide 8 H100 GPUs: it has 0 suitable GPU(s) (present: 0: NVIDIA A100-SXM4-80GB, 1: NVIDIA A100-SXM4-80GB, 2: NVIDIA L4).',
    );
  });

  test('too few free GPUs is refused while others hold them', async () => {
    const local = backend();
    const holding = await local.startRun(
      runRequest({ kind: 'script', path: program }, { gpu: 'A100:2', environment: { HOLD: '3' } }),
    );
    const error = await local
      .startRun(runRequest({ kind: 'script', path: program }, { gpu: 'A100' }))
      .catch((caught: unknown) => caught);
    expect(ResourceUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('Only 0 of the 2 suitable GPU(s) are free');
    await local.cancelRun(holding);
  }, 30_000);

  test('without a GPU driver a GPU request is refused as unsupported', async () => {
    const local = createLocalBackend(
      {},
      { stateDirectory: path.join(temporary.root, 'plain'), cacheDirectory: temporary.cache },
    );
    if (local.capabilities.gpus)
      throw new Error('This machine has an NVIDIA driver; this test expects a machine without one.');
    const error = await local
      .startRun(runRequest({ kind: 'script', path: program }, { gpu: '1' }))
      .catch((caught: unknown) => caught);
    expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('This machine has no NVIDIA GPU');
  });
});
