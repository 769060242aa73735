import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { collect, createSandbox, eventually } from './icl-process';

const slowStack = (marker: string) =>
  [
    'name: shared',
    'resources:',
    '  quick:',
    '    type: icl:Noop',
    '    inputs:',
    '      input: 1',
    '  slow:',
    '    type: icl:Command',
    '    inputs:',
    `      create: sleep 1.5 && echo made >> ${marker} && echo done`,
    `      read: if test -s ${marker}; then echo done; fi`,
    '',
  ].join('\n');

test('of two concurrent applies, one proceeds and the other fails at once naming the holder; state intact', async () => {
  const sandbox = await createSandbox();
  await writeFile(join(sandbox.work, 'icl-stack.yaml'), slowStack('made.txt'));
  const first = sandbox.spawnIcl(['apply', '--yes']);
  const firstResult = collect(first);
  let output = '';
  first.stdout?.on('data', (text: Buffer | string) => {
    output += String(text);
  });
  await eventually(async () => (output.includes('+ slow: creating…') ? true : undefined));

  const startedAt = Date.now();
  const second = await sandbox.icl(['apply', '--yes']);
  expect(Date.now() - startedAt).toBeLessThan(5_000);
  expect(second.exitCode).toBe(2);
  expect(second.stdout).toBe('');
  expect(second.stderr).toMatch(
    new RegExp(
      `^icl: Stack "shared" is locked by \`icl apply\` \\(pid ${first.pid} on ${hostname()}\\), started \\d+ms ago\\. Wait for it to finish\\. If that process is gone for good, run \`icl state unlock shared\`\\.\\n$`,
    ),
  );
  const listed = await sandbox.icl(['stack', 'ls']);
  expect(listed.stdout).toMatch(
    new RegExp(`^shared +\\d+ +.* +icl apply \\(pid ${first.pid} on ${hostname()}, `, 'm'),
  );

  expect((await firstResult).exitCode).toBe(0);
  expect(await readFile(join(sandbox.work, 'made.txt'), 'utf8')).toBe('made\n');
  const state = JSON.parse((await sandbox.icl(['state', 'ls', '--json'])).stdout);
  expect(state.resources.map((resource: { name: string }) => resource.name).sort()).toEqual([
    'quick',
    'slow',
  ]);
  expect(state.interrupted).toEqual([]);
  expect((await sandbox.icl(['plan'])).stdout).toBe(
    'No changes: stack "shared" matches its declaration (2 resources).\n',
  );
});

test('an apply killed mid-create leaves a stale lock; the next apply takes it over and adopts what was made', async () => {
  const sandbox = await createSandbox();
  await writeFile(join(sandbox.work, 'icl-stack.yaml'), slowStack('made.txt'));
  const first = sandbox.spawnIcl(['apply', '--yes']);
  const firstResult = collect(first);
  let output = '';
  first.stdout?.on('data', (text: Buffer | string) => {
    output += String(text);
  });
  await eventually(async () => (output.includes('+ slow: creating…') ? true : undefined));
  // Its script is running (sleeping 1.5 s) by now.
  await new Promise((resolve) => setTimeout(resolve, 300));
  first.kill('SIGKILL');
  await firstResult;
  // The create script itself was not killed: it finishes on its own, as a real resource would.
  await eventually(async () =>
    (await readFile(join(sandbox.work, 'made.txt'), 'utf8').catch(() => '')) ? true : undefined,
  );

  const listed = JSON.parse((await sandbox.icl(['state', 'ls', '--json'])).stdout);
  expect(listed.interrupted).toContainEqual(expect.objectContaining({ name: 'slow', operation: 'create' }));
  const second = await sandbox.icl(['apply', '--yes']);
  expect(second.exitCode).toBe(0);
  expect(second.stdout).toContain(
    `icl: took over the lock of stack "shared" left by \`icl apply\` (pid ${first.pid}), which is no longer running\n`,
  );
  expect(second.stdout).toContain('icl: interrupted create of "slow" settled: it exists, now recorded\n');
  expect(await readFile(join(sandbox.work, 'made.txt'), 'utf8')).toBe('made\n');
});
