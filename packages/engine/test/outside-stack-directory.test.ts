import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createBuiltInProviders, parseStackFile } from '../src/index';
import { temporaryDirectory } from './temporary-directory';
import { testEngine } from './test-engine';

test("a plan points out files and directories outside the stack's directory, and only those", async () => {
  const root = await temporaryDirectory();
  const work = join(root, 'project');
  const { engine } = await testEngine(createBuiltInProviders({ baseDirectory: work }));
  const stack = parseStackFile(
    [
      'name: paths',
      'resources:',
      '  inside:',
      '    type: icl:File',
      '    inputs: { path: notes/a.txt, content: a }',
      '  escaping:',
      '    type: icl:File',
      '    inputs: { path: ../../.ssh/authorized_keys, content: ssh-ed25519 AAAA }',
      '  absolute:',
      '    type: icl:Directory',
      `    inputs: { path: ${join(root, 'elsewhere')} }`,
      '',
    ].join('\n'),
    join(work, 'icl-stack.yaml'),
  );
  const plan = await engine.plan(stack);
  const notices = Object.fromEntries(plan.changes.map((change) => [change.name, change.notices]));
  expect(notices).toEqual({
    inside: undefined,
    escaping: [`writes a file outside the stack's directory: ${join(root, '..', '.ssh', 'authorized_keys')}`],
    absolute: [`creates a directory outside the stack's directory: ${join(root, 'elsewhere')}`],
  });
});
