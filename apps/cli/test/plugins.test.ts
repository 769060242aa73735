import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createSandbox } from './icl-process';

/** A tiny third-party backend that answers every run with one line, to test discovery and lazy loading. */
const echoBackend = `
export function createEchoBackend(settings, context) {
  const ended = { status: 'succeeded', exitCode: 0 };
  return {
    specificationVersion: 'v1',
    name: 'echo',
    capabilities: { jobs: true, services: false, gpus: false, provisioning: false, logFollow: true, cancel: true,
      files: true, schedules: false, pythonFunctions: false, timeout: true, detach: false },
    async inventory() { return { nodes: [{ name: 'echo-node', cpus: 1, memoryBytes: 1024, gpus: [] }] }; },
    async startRun(request) {
      const greeting = settings.greeting ?? 'echo';
      return { runId: request.runId, data: { line: greeting + ': ' + request.program.path.split('/').pop() + ' ' + (request.program.arguments ?? []).join(' ') } };
    },
    async getRunState() { return ended; },
    async *readLogs(handle) { yield { stream: 'stdout', text: handle.data.line + '\\n' }; },
    async waitForRun() { return ended; },
    async cancelRun() { return ended; },
  };
}
`;

async function installPackage(
  nodeModules: string,
  name: string,
  packageJson: object,
  files: Record<string, string> = {},
) {
  const directory = join(nodeModules, name);
  await mkdir(directory, { recursive: true });
  await writeFile(
    join(directory, 'package.json'),
    JSON.stringify({ name, version: '1.2.3', type: 'module', ...packageJson }),
  );
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(directory, file, '..'), { recursive: true });
    await writeFile(join(directory, file), text);
  }
}

describe('plugins installed next to the project', () => {
  test('are found by their package.json marker, listed, and loaded only when used', async () => {
    const sandbox = await createSandbox();
    const nodeModules = join(sandbox.work, 'node_modules');
    await installPackage(
      nodeModules,
      'icl-plugin-echo',
      {
        exports: { '.': { import: './lib/main.js' } },
        icl: {
          backend: {
            name: 'echo',
            factory: 'createEchoBackend',
            specificationVersion: 'v1',
            description: 'Says hello back',
          },
        },
      },
      { 'lib/main.js': echoBackend },
    );
    await installPackage(nodeModules, '@acme/icl-plugin-broken', {
      main: 'index.js',
      icl: { backend: { name: 'broken', factory: 'createBrokenBackend', specificationVersion: 'v1' } },
    });
    await installPackage(nodeModules, 'icl-plugin-nomarker', { main: 'index.js' });
    await installPackage(nodeModules, 'left-pad', {
      icl: { backend: { name: 'pad', factory: 'x', specificationVersion: 'v1' } },
    });

    // Plugins installed next to the CLI itself (in this repository, the workspace's own) are listed too.
    const empty = await createSandbox();
    const alongsideTheCli = new Map(
      (
        JSON.parse((await empty.icl(['plugins', 'ls', '--json'])).stdout) as Array<{
          name: string | null;
          package: string;
          source: string;
        }>
      )
        .filter((row) => row.source === 'installed')
        .map((row) => [row.package, row.name]),
    );
    const listed = await sandbox.icl(['plugins', 'ls', '--json']);
    expect(listed.exitCode).toBe(0);
    const rows = JSON.parse(listed.stdout).filter(
      (row: { package: string }) => !alongsideTheCli.has(row.package),
    );
    expect(
      rows.map((row: { name: string; package: string; source: string }) => [
        row.name,
        row.package,
        row.source,
      ]),
    ).toEqual([
      ['local', '@icl/plugin-local', 'built-in'],
      ['broken', '@acme/icl-plugin-broken', 'installed'],
      ['echo', 'icl-plugin-echo', 'installed'],
    ]);
    expect(rows[2]).toMatchObject({ version: '1.2.3', description: 'Says hello back' });

    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    await writeFile(
      sandbox.configFile,
      'infrastructures:\n  friendly:\n    backend: echo\n    settings: { greeting: hi }\n',
    );
    expect(await sandbox.icl(['run', 'hello.py', '--on', 'echo', '--', 'a'])).toEqual({
      stdout: 'echo: hello.py a\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await sandbox.icl(['run', 'hello.py', '--on', 'friendly'])).toEqual({
      stdout: 'hi: hello.py \n',
      stderr: '',
      exitCode: 0,
    });

    const broken = await sandbox.icl(['run', 'hello.py', '--on', 'broken']);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(
      /^icl: Could not load plugin @acme\/icl-plugin-broken@1\.2\.3 \(.*\): .* Reinstall @acme\/icl-plugin-broken, or set ICL_DEBUG=1 for the stack\.\n$/,
    );

    const unknown = await sandbox.icl(['run', 'hello.py', '--on', 'nosuch']);
    expect(unknown.stderr).toContain(
      `use a backend name (${['broken', 'echo', 'local', ...[...alongsideTheCli.values()].filter((name) => name !== null)].sort().join(', ')})`,
    );
  });
});
