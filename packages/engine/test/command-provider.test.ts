import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createBuiltInProviders, createStack, type EngineEvent, parseStackFile } from '../src/index';
import { createRecordingProvider } from './recording-provider';
import { temporaryDirectory } from './temporary-directory';
import { testEngine } from './test-engine';

/** `${name.output}` as a stack file writes a reference. */
const ref = (path: string) => `\${${path}}`;

test('icl:Command runs its scripts: stdout becomes an output, delete runs on destroy, read finds drift', async () => {
  const work = await temporaryDirectory();
  const { engine } = await testEngine(createBuiltInProviders({ baseDirectory: work }));
  const text = [
    'name: commands',
    'resources:',
    '  server:',
    '    type: icl:Command',
    '    inputs:',
    '      create: echo started > server.pid && echo "http://127.0.0.1:8080"',
    '      read: if test -f server.pid; then echo "http://127.0.0.1:8080"; fi',
    '      delete: rm server.pid && echo "$ICL_STDOUT" > stopped.txt',
    '  settings:',
    '    type: icl:File',
    '    inputs:',
    '      path: settings.txt',
    `      content: url=${ref('server.stdout')}`,
    '',
  ].join('\n');
  const stack = parseStackFile(text, join(work, 'icl-stack.yaml'));
  await engine.apply(stack);
  expect(await readFile(join(work, 'settings.txt'), 'utf8')).toBe('url=http://127.0.0.1:8080');
  expect(await readFile(join(work, 'server.pid'), 'utf8')).toBe('started\n');

  // Gone outside ICL: the read script prints nothing, so the plan creates it again.
  await rm(join(work, 'server.pid'));
  const plan = await engine.plan(stack);
  expect(plan.drift).toMatchObject([{ name: 'server', kind: 'deleted' }]);

  await engine.apply(stack);
  await engine.destroy(stack);
  expect(await readFile(join(work, 'stopped.txt'), 'utf8')).toBe('http://127.0.0.1:8080\n');
  expect((await engine.readState('commands')).resources.size).toBe(0);
});

test('a failing script fails the operation with the end of its standard error', async () => {
  const work = await temporaryDirectory();
  const { engine } = await testEngine(createBuiltInProviders({ baseDirectory: work }));
  const stack = parseStackFile(
    'name: failing\nresources:\n  broken:\n    type: icl:Command\n    inputs:\n      create: echo "no credentials for the registry" >&2; exit 3\n',
    'icl-stack.yaml',
  );
  await expect(engine.apply(stack)).rejects.toThrow(
    'Create of "broken" in stack "failing" failed: The create script exited with code 3: no credentials for the registry.',
  );
  expect((await engine.readState('failing')).resources.size).toBe(0);
});

test('a secret a failing command prints (in its stderr, quoted in the error) is redacted from the error and the events', async () => {
  const provider = createRecordingProvider();
  const work = await temporaryDirectory();
  const { engine } = await testEngine([...createBuiltInProviders({ baseDirectory: work }), provider]);
  const stack = createStack('leaky');
  const vault = stack.resource('vault', provider, { value: 'v' });
  stack.resource(
    'deploy',
    createBuiltInProviders({ baseDirectory: work }).find((one) => one.type === 'icl:Command')!,
    {
      create: 'echo "leaking $TOKEN" >&2; exit 3',
      // A reference inside an object, as a stack file writes `TOKEN: ${vault.token}`.
      environment: { TOKEN: vault.outputs.token } as never,
    },
  );
  const events: EngineEvent[] = [];
  const error = (await engine
    .apply(stack, { onEvent: (event) => events.push(event) })
    .catch((thrown: unknown) => thrown)) as Error;
  const token = (await engine.readState('leaky')).resources.get('vault')!.outputs.token as string;
  expect(token).toMatch(/^token-of-vault-/);
  expect(error.message).toContain('leaking [secret]');
  expect(error.message).not.toContain(token);
  const failed = events.find((event) => event.type === 'resource-failed');
  expect(failed).toMatchObject({ name: 'deploy', message: expect.stringContaining('leaking [secret]') });
  expect(JSON.stringify(events)).not.toContain(token);
});
