import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createSandbox, type IclSandbox } from './icl-process';

/** `${name.output}` as a stack file writes a reference. */
const ref = (path: string) => `\${${path}}`;

const demoStack = [
  'name: demo',
  'resources:',
  '  workspace:',
  '    type: icl:Directory',
  '    inputs:',
  '      path: build',
  '  config:',
  '    type: icl:File',
  '    inputs:',
  `      path: ${ref('workspace.path')}/config.json`,
  '      content: |',
  '        {"epochs": 3}',
  '  greeting:',
  '    type: icl:Command',
  '    inputs:',
  `      create: echo "configured in $(basename ${ref('config.path')})"`,
  '',
].join('\n');

async function demo(): Promise<IclSandbox> {
  const sandbox = await createSandbox();
  await writeFile(join(sandbox.work, 'icl-stack.yaml'), demoStack);
  return sandbox;
}

describe('icl plan / apply', () => {
  test('plan shows every create; apply --yes creates with a line per resource; then nothing to do', async () => {
    const sandbox = await demo();
    const plan = await sandbox.icl(['plan']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toBe(
      [
        '+ workspace icl:Directory: create',
        `      path: "${join(sandbox.work, 'build')}"`,
        '+ config icl:File: create',
        '      path: (known after apply)',
        '      content: "{\\"epochs\\": 3}\\n"',
        '+ greeting icl:Command: create',
        '      create: (known after apply)',
        '',
        'Plan for stack "demo": 3 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged.',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(sandbox.work, 'build'))).toBe(false);

    const apply = await sandbox.icl(['apply', '--yes']);
    expect(apply.exitCode).toBe(0);
    expect(apply.stderr).toBe('');
    for (const name of ['workspace', 'config', 'greeting']) {
      expect(apply.stdout).toContain(`+ ${name}: creating…\n`);
      expect(apply.stdout).toMatch(new RegExp(`^\\+ ${name}: created \\(\\d+ms\\)$`, 'm'));
    }
    expect(apply.stdout).toMatch(
      /^Applied stack "demo" in \d+ms: 3 created, 0 updated, 0 replaced, 0 deleted\.\n$/m,
    );
    expect(await readFile(join(sandbox.work, 'build', 'config.json'), 'utf8')).toBe('{"epochs": 3}\n');

    const again = await sandbox.icl(['apply', '--yes']);
    expect(again.stdout).toBe(
      'Refreshing 3 resources…\nNo changes: stack "demo" matches its declaration (3 resources).\n',
    );
    const shown = await sandbox.icl(['state', 'show', 'greeting', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      name: 'greeting',
      type: 'icl:Command',
      dependencies: ['config'],
      outputs: { stdout: 'configured in config.json' },
    });
  });

  test('without a terminal, apply shows the plan and refuses unless --yes; nothing changes', async () => {
    const sandbox = await demo();
    const refused = await sandbox.icl(['apply']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toContain('Plan for stack "demo": 3 to create');
    expect(refused.stderr).toBe(
      'icl: `icl apply` asks before changing anything, and there is no terminal to ask on; nothing was changed. Run it in a terminal, or pass --yes to apply without asking.\n',
    );
    expect(existsSync(join(sandbox.work, 'build'))).toBe(false);
    expect((await sandbox.icl(['state', 'ls', '--stack', 'demo'])).stdout).toBe(
      'Stack "demo" records no resources.\n',
    );
  });

  test('a file changed outside ICL shows field-level drift in plan; apply repairs it', async () => {
    const sandbox = await demo();
    await sandbox.icl(['apply', '--yes']);
    await writeFile(join(sandbox.work, 'build', 'config.json'), '{"epochs": 30}\n');
    const plan = await sandbox.icl(['plan']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toBe(
      [
        'Changed outside ICL (drift):',
        '~ config icl:File: changed outside ICL',
        '      content: "{\\"epochs\\": 3}\\n" → "{\\"epochs\\": 30}\\n"',
        '',
        '~ config icl:File: update in place',
        '      content: "{\\"epochs\\": 30}\\n" → "{\\"epochs\\": 3}\\n"',
        '',
        'Plan for stack "demo": 0 to create, 1 to update, 0 to replace, 0 to delete, 2 unchanged.',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await sandbox.icl(['plan', '--json'])).stdout);
    expect(json.drift[0].properties).toEqual([
      { path: 'content', before: '{"epochs": 3}\n', after: '{"epochs": 30}\n' },
    ]);
    const refresh = await sandbox.icl(['refresh']);
    expect(refresh.stdout).toBe(
      [
        '~ config icl:File: changed outside ICL',
        '      content: "{\\"epochs\\": 3}\\n" → "{\\"epochs\\": 30}\\n"',
        '',
        '1 resource of stack "demo" changed outside ICL; the state now records what was found. Run `icl apply` to repair the drift.',
        '',
      ].join('\n'),
    );
    const apply = await sandbox.icl(['apply', '--yes']);
    expect(apply.exitCode).toBe(0);
    expect(apply.stdout).toMatch(/^~ config: updated \(\d+ms\)$/m);
    expect(await readFile(join(sandbox.work, 'build', 'config.json'), 'utf8')).toBe('{"epochs": 3}\n');
    expect((await sandbox.icl(['plan'])).stdout).toBe(
      'No changes: stack "demo" matches its declaration (3 resources).\n',
    );
  });

  test('a stack with mistakes lists each with file, line, resource and field; nothing changes', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'broken.yaml'),
      [
        'name: broken',
        'resources:',
        '  a:',
        '    type: icl:Noop',
        '    inputs:',
        `      input: ${ref('b.output')}`,
        '  b:',
        '    type: icl:Noop',
        '    inputs:',
        `      input: ${ref('a.output')}`,
        '  c:',
        '    type: icl:File',
        '    inputs:',
        '      path: c.txt',
        `      content: ${ref('a.outptu')}`,
        '  d:',
        '    type: icl:File',
        '    inputs:',
        `      path: ${ref('ghost.path')}`,
        '      content: 7',
        '',
      ].join('\n'),
    );
    const result = await sandbox.icl(['apply', '-f', 'broken.yaml', '--yes']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'icl: stack "broken" has 4 problems; nothing was changed:',
        '  broken.yaml:15:7: resource "c" input "content": references output "outptu" of "a", which type icl:Noop does not have (did you mean "output"? its outputs: output)',
        '  broken.yaml:19:7: resource "d" input "path": references missing resource "ghost"',
        '  broken.yaml:20:7: resource "d" input "content": expected a string, got a number',
        '  broken.yaml:5:5: resource "a": dependency cycle: a → b → a (a resource cannot need itself, directly or through others)',
        '',
      ].join('\n'),
    );
    expect((await sandbox.icl(['stack', 'ls'])).stdout).toBe(
      'No stacks yet. Declare one in icl-stack.yaml and run `icl apply`.\n',
    );
  });

  test('no stack file, or a bad flag, is one line and exit 2', async () => {
    const sandbox = await createSandbox();
    const missing = await sandbox.icl(['plan']);
    expect(missing).toEqual({
      stdout: '',
      stderr: `icl: No stack file in ${sandbox.work} (looked for icl-stack.yaml, icl-stack.yml, icl-stack.json, icl-stack.ts, icl-stack.mts, icl-stack.js, icl-stack.mjs). Pass one with -f <file>.\n`,
      exitCode: 2,
    });
    await writeFile(join(sandbox.work, 'icl-stack.yaml'), demoStack);
    const concurrency = await sandbox.icl(['apply', '--yes', '--concurrency', 'many']);
    expect(concurrency.stderr).toBe(
      'icl: Invalid --concurrency "many". Give a whole number of operations, at least 1.\n',
    );
    expect(concurrency.exitCode).toBe(2);
  });
});

describe('TypeScript stacks', () => {
  test('load out of the box on this Node.js, in a directory with no node_modules, as written', async () => {
    const sandbox = await createSandbox();
    expect(existsSync(join(sandbox.work, 'node_modules'))).toBe(false);
    await writeFile(
      join(sandbox.work, 'settings.ts'),
      'export enum Size { Small = 1, Large = 8 }\nexport interface Settings { epochs: number; size: Size }\n',
    );
    await writeFile(
      join(sandbox.work, 'icl-stack.ts'),
      `import { createStack, directory, file, interpolate } from '@icl/engine';
import { Size, type Settings } from './settings';

const settings: Settings = { epochs: 3, size: Size.Large };
const stack = createStack('typed');
const workspace = stack.resource('workspace', directory, { path: \`\${import.meta.dirname}/build\` });
stack.resource('config', file, {
  path: interpolate\`\${workspace.outputs.path}/config.json\`,
  content: JSON.stringify(settings),
});
export default stack;
`,
    );
    const plan = await sandbox.icl(['plan']);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain(`path: "${join(sandbox.work, 'build')}"`);
    expect(plan.stdout).toContain('content: "{\\"epochs\\":3,\\"size\\":8}"');
    expect(plan.stdout).toContain('Plan for stack "typed": 2 to create');
    expect(plan.exitCode).toBe(0);
    const apply = await sandbox.icl(['apply', '--yes']);
    expect(apply.exitCode).toBe(0);
    expect(await readFile(join(sandbox.work, 'build', 'config.json'), 'utf8')).toBe('{"epochs":3,"size":8}');
  });

  test('an error in the stack points at its .ts line; so does a compile error', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'icl-stack.ts'),
      `import { createStack } from '@icl/engine';

function checked(epochs: number): number {
  if (epochs > 2) throw new Error(\`epochs must be at most 2, got \${epochs}\`);
  return epochs;
}
checked(3);
export default createStack('typed');
`,
    );
    const thrown = await sandbox.icl(['plan']);
    expect(thrown.stderr).toBe(
      'icl: The stack module icl-stack.ts failed at icl-stack.ts:4:25: epochs must be at most 2, got 3 Fix the stack module at that place and run the command again.\n',
    );
    expect(thrown.exitCode).toBe(2);
    await writeFile(
      join(sandbox.work, 'icl-stack.ts'),
      "import { createStack } from '@icl/engine';\nconst epochs: number = ;\nexport default createStack('typed');\n",
    );
    const broken = await sandbox.icl(['plan']);
    expect(broken.stderr).toBe(
      'icl: The stack module icl-stack.ts does not compile: icl-stack.ts:2:24: Unexpected ";". Fix the TypeScript at that place and run the command again.\n',
    );
    expect(broken.exitCode).toBe(2);
  });
});

describe('icl destroy, import, state, stack', () => {
  test('destroy --stack deletes everything, dependents first, without the stack file', async () => {
    const sandbox = await demo();
    await sandbox.icl(['apply', '--yes']);
    const destroyed = await sandbox.icl(['destroy', '--stack', 'demo', '--yes', '--no-refresh']);
    expect(destroyed.exitCode).toBe(0);
    const lines = destroyed.stdout.split('\n');
    const deletedAt = (name: string) => lines.findIndex((line) => line.startsWith(`- ${name}: deleted`));
    expect(deletedAt('greeting')).toBeLessThan(deletedAt('config'));
    expect(deletedAt('config')).toBeLessThan(deletedAt('workspace'));
    expect(destroyed.stdout).toMatch(
      /^Destroyed stack "demo" in \d+ms: 0 created, 0 updated, 0 replaced, 3 deleted\.$/m,
    );
    expect(existsSync(join(sandbox.work, 'build'))).toBe(false);
  });

  test('import adopts an existing file; state ls, rm, stack ls and unlock report what they did', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'notes.txt'), 'old notes\n');
    await writeFile(
      join(sandbox.work, 'icl-stack.yaml'),
      'name: notes\nresources:\n  notes:\n    type: icl:File\n    inputs:\n      path: notes.txt\n      content: new notes\n',
    );
    const create = await sandbox.icl(['apply', '--yes']);
    expect(create.exitCode).toBe(2);
    expect(create.stderr).toBe(
      `icl: Create of "notes" in stack "notes" failed: The file ${join(sandbox.work, 'notes.txt')} already exists and is not managed by this stack. The state records what exists; fix the cause and run the command again to continue.\n`,
    );
    const imported = await sandbox.icl(['import', 'notes', 'notes.txt']);
    expect(imported.stdout).toBe(
      `Imported "notes" (icl:File, id ${join(sandbox.work, 'notes.txt')}) into stack "notes". Run \`icl plan\` to see how it differs from the stack.\n`,
    );
    expect((await sandbox.icl(['plan'])).stdout).toContain('      content: "old notes\\n" → "new notes"\n');
    expect((await sandbox.icl(['state', 'ls'])).stdout).toMatch(
      /^NAME +TYPE +ID +UPDATED +STATUS\nnotes +icl:File +\/.*notes\.txt +just now +ok\n$/,
    );
    expect((await sandbox.icl(['stack', 'ls'])).stdout).toMatch(
      /^NAME +RESOURCES +UPDATED +LOCKED BY\nnotes +1 +just now +-\n$/,
    );
    expect((await sandbox.icl(['state', 'rm', 'notes'])).stdout).toBe(
      'Stack "notes" no longer manages "notes"; whatever exists of it was left alone.\n',
    );
    expect(await readFile(join(sandbox.work, 'notes.txt'), 'utf8')).toBe('old notes\n');
    expect((await sandbox.icl(['state', 'unlock', 'notes'])).stdout).toBe('Stack "notes" was not locked.\n');
  });

  test('a damaged state is refused by plan and apply with the file and record, changing nothing; state restore rebuilds what is intact and says what is lost', async () => {
    const sandbox = await demo();
    expect((await sandbox.icl(['apply', '--yes'])).exitCode).toBe(0);
    const journal = join(sandbox.stateDirectory, 'stacks', 'demo', 'journal.0.jsonl');
    const lines = (await readFile(journal, 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('"kind":"', '"kind":"x');
    await writeFile(journal, lines.join('\n'));
    const damaged = await readFile(journal, 'utf8');
    const plan = await sandbox.icl(['plan']);
    expect(plan.stderr).toContain(
      `icl: The state file ${journal}:3 holds change #3, whose checksum does not match: it was altered. Nothing was changed.`,
    );
    expect(plan.stderr).toContain('icl state restore demo');
    expect(plan.exitCode).not.toBe(0);
    expect((await sandbox.icl(['apply', '--yes'])).exitCode).not.toBe(0);
    expect(await readFile(journal, 'utf8')).toBe(damaged);

    const restored = await sandbox.icl(['state', 'restore', 'demo']);
    expect(restored.stderr).toMatch(
      new RegExp(
        `^Restored stack "demo" up to change #2: 1 resource recorded\\.\\nIt stopped at a damaged record: ${journal.replaceAll('/', '\\/')}:3 holds change #3, whose checksum does not match: it was altered\\.\\nChanges #3 to #6 were recorded but are lost: run icl plan`,
      ),
    );
    expect(restored.exitCode).toBe(1);
    // The state reads again: what was lost shows as to be created (config already exists: icl import it).
    const after = await sandbox.icl(['plan']);
    expect(after.exitCode).toBe(0);
    expect(after.stdout).toMatch(/\+ config/);
  });

  test('apply --yes piped into a reader that stops after one line (| head -1) applies everything and exits 0', async () => {
    const sandbox = await createSandbox();
    const resources = Array.from(
      { length: 40 },
      (_, index) =>
        `  file${index}:\n    type: icl:File\n    inputs:\n      path: file${index}.txt\n      content: "${index}"\n`,
    );
    await writeFile(join(sandbox.work, 'icl-stack.yaml'), `name: many\nresources:\n${resources.join('')}`);
    const child = sandbox.spawnIcl(['apply', '--yes']);
    // The reader takes the first chunk, then closes its end of the pipe.
    child.stdout!.once('data', () => child.stdout!.destroy());
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exitCode = await new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const listed = await sandbox.icl(['state', 'ls', '--json']);
    const recorded = JSON.parse(listed.stdout) as { resources: unknown[]; interrupted: unknown[] };
    expect([recorded.resources.length, recorded.interrupted.length]).toEqual([40, 0]);
  });

  test('plan marks a file the stack writes outside its directory, before anything is applied', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'icl-stack.yaml'),
      'name: escape\nresources:\n  key:\n    type: icl:File\n    inputs:\n      path: ../outside.txt\n      content: x\n',
    );
    const plan = await sandbox.icl(['plan']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain(
      `+ key icl:File: create\n    ! writes a file outside the stack's directory: ${join(sandbox.work, '..', 'outside.txt')}\n`,
    );
  });

  test('a YAML bomb in a stack file is one located error and exit 2, before anything is read or changed', async () => {
    const sandbox = await createSandbox();
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 9; level += 1)
      levels.push(
        `${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + level)}`)
          .join(', ')}]`,
      );
    await writeFile(
      join(sandbox.work, 'icl-stack.yaml'),
      `name: bomb\nresources:\n  r:\n    type: icl:File\n    inputs:\n      path: out.txt\n      content:\n${levels.map((line) => `        ${line}`).join('\n')}\n`,
    );
    const plan = await sandbox.icl(['plan']);
    expect(plan.stderr).toBe(
      'icl: icl-stack.yaml:9:16: aliases repeat values more than 1000 times. Write the values out, or use fewer aliases of aliases.\n',
    );
    expect(plan.exitCode).toBe(2);
  });
});
