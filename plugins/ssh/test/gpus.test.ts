import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSshBackend } from '../src/index';
import { runRequest } from './run-request';
import { hostSettings, testHost } from './testbed-hosts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-ssh-gpus-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/**
 * A fleet of the python host (no GPU), the GPU host (two stand-in H100s) and the AMD host (an integrated
 * Radeon and a W7900), in that order.
 */
function fleet() {
  const name = (host: ReturnType<typeof testHost>) => `${host.user}@${host.address}`;
  return createSshBackend(
    {
      ...hostSettings('python'),
      host: undefined,
      hosts: [name(testHost('python')), name(testHost('gpu')), name(testHost('amd'))],
    },
    { stateDirectory: path.join(root, 'state'), cacheDirectory: path.join(root, 'cache') },
  );
}

async function output(
  backend: ReturnType<typeof fleet>,
  handle: Awaited<ReturnType<ReturnType<typeof fleet>['startRun']>>,
) {
  let text = '';
  for await (const chunk of backend.readLogs(handle, { follow: true })) text += chunk.text;
  return text;
}

describe('GPUs of a fleet', () => {
  test('--gpus H100:2 lands on the host with two free H100s, with CUDA_VISIBLE_DEVICES=0,1', async () => {
    const backend = fleet();
    const script = path.join(root, 'devices.sh');
    await writeFile(script, 'echo "devices=$CUDA_VISIBLE_DEVICES"\n');
    try {
      const handle = await backend.startRun(runRequest({ kind: 'script', path: script }, { gpu: 'H100:2' }));
      expect(await output(backend, handle)).toBe('devices=0,1\n');
      expect((await backend.waitForRun(handle)).status).toBe('succeeded');
    } finally {
      await backend.close?.();
    }
  });

  test("--gpus W7900:1 lands on the AMD host with ROCR_VISIBLE_DEVICES=1 (rocm-smi's index) and no CUDA_VISIBLE_DEVICES", async () => {
    const backend = fleet();
    const script = path.join(root, 'amd-devices.sh');
    await writeFile(
      script,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, for the script on the host.
      'echo "rocr=$ROCR_VISIBLE_DEVICES cuda=${CUDA_VISIBLE_DEVICES-unset} on $(id -un)"\n',
    );
    try {
      const handle = await backend.startRun(runRequest({ kind: 'script', path: script }, { gpu: 'W7900:1' }));
      expect(await output(backend, handle)).toBe(`rocr=1 cuda=unset on ${testHost('amd').user}\n`);
      expect((await backend.waitForRun(handle)).status).toBe('succeeded');
    } finally {
      await backend.close?.();
    }
  });

  test('--gpus A100:1 fails in one line naming each host and its GPUs', async () => {
    const backend = fleet();
    const script = path.join(root, 'a100.sh');
    await writeFile(script, 'echo never\n');
    try {
      const error = (await backend
        .startRun(runRequest({ kind: 'script', path: script }, { gpu: 'A100:1' }))
        .catch((thrown: unknown) => thrown)) as Error;
      const python = testHost('python');
      const gpu = testHost('gpu');
      const amd = testHost('amd');
      expect(error.message).toBe(
        `No host of this infrastructure has 1 × A100 free: ${python.user}@${python.address} has no GPU (none (neither nvidia-smi nor rocm-smi on the host)); ${gpu.user}@${gpu.address} has 2 × NVIDIA H100 80GB HBM3; ${amd.user}@${amd.address} has 1 × AMD Radeon PRO W7900.`,
      );
      expect(error.message).not.toContain('\n');
    } finally {
      await backend.close?.();
    }
  });

  test('GPUs held by a run are not given to another until it ends; then they are', async () => {
    const backend = fleet();
    const holder = path.join(root, 'hold.sh');
    await writeFile(holder, 'echo "held=$CUDA_VISIBLE_DEVICES"\nsleep 30\n');
    const quick = path.join(root, 'quick.sh');
    await writeFile(quick, 'echo "got=$CUDA_VISIBLE_DEVICES"\n');
    try {
      const held = await backend.startRun(
        runRequest({ kind: 'script', path: holder }, { gpu: 'H100:2', detach: true }),
      );
      const refused = (await backend
        .startRun(runRequest({ kind: 'script', path: quick }, { gpu: 'H100:1' }))
        .catch((thrown: unknown) => thrown)) as Error;
      expect(refused.message).toContain('has 2 × NVIDIA H100 80GB HBM3, 2 of them in use');
      await backend.cancelRun(held);
      const handle = await backend.startRun(runRequest({ kind: 'script', path: quick }, { gpu: 'H100:1' }));
      expect(await output(backend, handle)).toBe('got=0\n');
    } finally {
      await backend.close?.();
    }
  });
});
