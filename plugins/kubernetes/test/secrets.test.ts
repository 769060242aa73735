import { promises as fs } from 'node:fs';
import path from 'node:path';
import { collectLogs } from '@icl/backend-testkit';
import type { BackendV1 } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createKubernetesBackend } from '../src/index';
import {
  clusterClient,
  createTemporaryRoot,
  eventually,
  leftovers,
  realNodeSettings,
  requireRealNode,
  runRequest,
} from './helpers';

/** Every file under a folder, with its content. */
async function filesUnder(folder: string): Promise<Array<{ file: string; content: string }>> {
  const entries = await fs.readdir(folder, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return { file, content: await fs.readFile(file, 'utf8') };
      }),
  );
}

describe('environment secrets', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let backend: BackendV1;
  beforeAll(async () => {
    await requireRealNode();
    temporary = await createTemporaryRoot();
    backend = createKubernetesBackend(realNodeSettings, temporary.context);
  });
  afterAll(async () => {
    await backend?.close?.();
    await temporary?.remove();
  });

  test('reach the program from a Secret, and are written neither in ICL\u2019s state nor in the Job', async () => {
    const secret = `s3cr3t-${Date.now().toString(36)}`;
    const script = path.join(temporary.root, 'uses-token.py');
    await fs.writeFile(
      script,
      'import os\nprint(len(os.environ["API_TOKEN"]), os.environ["API_TOKEN"][:6])\n',
    );
    const request = runRequest({ kind: 'script', path: script }, { environment: { API_TOKEN: secret } });
    const handle = await backend.startRun(request);
    const job = JSON.stringify(
      await clusterClient().batch.readNamespacedJob({ namespace: 'default', name: `icl-${request.runId}` }),
    );
    expect(job).not.toContain(secret);
    const state = await backend.waitForRun(handle);
    expect(state.status).toBe('succeeded');
    expect((await collectLogs(backend, handle)).stdout).toBe(`${secret.length} s3cr3t\n`);
    const stored = await filesUnder(temporary.context.stateDirectory);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((entry) => entry.content.includes(secret)).map((entry) => entry.file)).toEqual([]);
    await eventually(
      async () => ((await leftovers(request.runId)).length === 0 ? true : undefined),
      10_000,
      'the Secret to be deleted',
    );
  });
});
