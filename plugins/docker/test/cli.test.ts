import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeHash } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { baseImageTrustingHostCertificates, createTemporaryRoot, docker, requireDaemon } from './helpers';

const cli = fileURLToPath(new URL('../../../apps/cli/dist/bin.js', import.meta.url));
const pipExample = fileURLToPath(new URL('../../../examples/pip/table.py', import.meta.url));

interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** `icl run --on docker`, as a user runs it: the CLI finds the docker plugin installed in this workspace. */
describe('icl run --on docker', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let configFile: string;
  const stateDirectory = () => path.join(temporary.root, 'icl-state');
  const recordFiles = async () =>
    (await fs.readdir(path.join(stateDirectory(), 'runs')).catch(() => [])).sort();

  const icl = (args: string[], environment: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [cli, ...args], {
        cwd: temporary.root,
        env: {
          ...process.env,
          ICL_STATE_DIR: stateDirectory(),
          ICL_CACHE_DIR: path.join(temporary.root, 'icl-cache'),
          ICL_CONFIG: configFile,
          NO_COLOR: '1',
          ...environment,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (data: Buffer) => {
        stdout += data.toString();
      });
      child.stderr.on('data', (data: Buffer) => {
        stderr += data.toString();
      });
      child.once('close', (exitCode) => resolve({ stdout, stderr, exitCode }));
    });

  beforeAll(async () => {
    await requireDaemon();
    temporary = await createTemporaryRoot();
    configFile = path.join(temporary.root, 'config.yaml');
    // The base image trusts this machine's certificate authorities, so pip reaches PyPI from a build.
    const image = await baseImageTrustingHostCertificates();
    await fs.writeFile(
      configFile,
      `infrastructures:\n  docker:\n    backend: docker\n    settings:\n      baseImage: ${image}\n`,
    );
  });
  afterAll(() => temporary?.remove());

  test('the pip example builds its image once, reuses it, and a changed dependency builds another', async () => {
    // Start from no image for these runtimes (the testbed's daemon keeps images between test runs).
    for (const version of ['0.9.0', '0.8.10']) {
      const hash = runtimeHash({ dependencies: { pip: [`tabulate==${version}`] } });
      for (const image of await docker.listImages({ filters: { label: [`icl.dev/runtime-hash=${hash}`] } })) {
        await docker.getImage(image.Id).remove({ force: true });
      }
    }
    const program = path.join(temporary.root, 'table.py');
    await fs.copyFile(pipExample, program);
    const first = await icl(['run', 'table.py', '--on', 'docker']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('| H100  |            80 |       8 |');
    expect(first.stderr).toContain('tabulate');
    const imagesAfterFirst = await docker.listImages({ filters: { reference: ['icl-runtime'] } });

    const second = await icl(['run', 'table.py', '--on', 'docker']);
    expect(second).toEqual({ stdout: first.stdout, stderr: '', exitCode: 0 });
    expect(await docker.listImages({ filters: { reference: ['icl-runtime'] } })).toHaveLength(
      imagesAfterFirst.length,
    );

    await fs.writeFile(
      program,
      (await fs.readFile(program, 'utf8')).replace('tabulate==0.9.0', 'tabulate==0.8.10'),
    );
    const changed = await icl(['run', 'table.py', '--on', 'docker']);
    expect(changed.exitCode, changed.stderr).toBe(0);
    expect(changed.stderr).toContain('tabulate==0.8.10');
    expect(await docker.listImages({ filters: { reference: ['icl-runtime'] } })).toHaveLength(
      imagesAfterFirst.length + 1,
    );
  }, 300_000);

  test('a crashing program mirrors its exit code and leaves no container', async () => {
    await fs.writeFile(
      path.join(temporary.root, 'crash.py'),
      'import sys\nprint("boom", file=sys.stderr)\nsys.exit(3)\n',
    );
    const result = await icl(['run', 'crash.py', '--on', 'docker']);
    expect(result).toEqual({ stdout: '', stderr: 'boom\n', exitCode: 3 });
    // Only this file's runs: the daemon may be shared with other ICL tests running at the same time.
    const runIds = new Set((await recordFiles()).map((file) => file.replace(/\.json$/, '')));
    expect(runIds.size, 'runs recorded by this file').toBeGreaterThan(0);
    const managed = await docker.listContainers({ all: true, filters: { label: ['icl.dev/managed=true'] } });
    const left = managed.filter((container) => runIds.has(container.Labels['icl.dev/run-id'] ?? ''));
    expect(left.map((container) => container.Names)).toEqual([]);
  });

  test('with the daemon stopped, it names the socket it tried and how to start Docker, exit 2, no record', async () => {
    await fs.writeFile(path.join(temporary.root, 'hello.py'), 'print("hello")\n');
    const socket = path.join(temporary.root, 'stopped-docker.sock');
    const recordsBefore = await recordFiles();
    const result = await icl(['run', 'hello.py', '--on', 'docker'], { DOCKER_HOST: `unix://${socket}` });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `icl: Cannot reach the Docker daemon at unix://${socket} (ENOENT). Start Docker (sudo systemctl start docker, or dockerd &), or set DOCKER_HOST to a running daemon.\n`,
    );
    expect(await recordFiles()).toEqual(recordsBefore);
  });
});
