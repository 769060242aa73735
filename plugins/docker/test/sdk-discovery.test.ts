import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { baseImage, createTemporaryRoot, requireDaemon } from './helpers';

const repository = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * A program of the user's own that imports only `@icl/sdk`: the SDK finds the docker plugin installed
 * next to it exactly as the CLI does, and says which package to install when it is not there.
 */
describe('the SDK finds installed plugins', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;

  /** A project folder with @icl/sdk (and, if asked, @icl/plugin-docker) in its node_modules. */
  async function project(name: string, withDocker: boolean): Promise<string> {
    const root = path.join(temporary.root, name);
    await fs.mkdir(path.join(root, 'node_modules', '@icl'), { recursive: true });
    await fs.symlink(path.join(repository, 'packages/sdk'), path.join(root, 'node_modules/@icl/sdk'));
    if (withDocker)
      await fs.symlink(
        path.join(repository, 'plugins/docker'),
        path.join(root, 'node_modules/@icl/plugin-docker'),
      );
    await fs.writeFile(path.join(root, 'hello.py'), 'print("hello from a container")\n');
    await fs.writeFile(
      path.join(root, 'main.mjs'),
      `import { program, run } from '@icl/sdk';
try {
  const finished = await run(program('hello.py'), { infrastructure: { name: 'docker', backend: 'docker', settings: { baseImage: ${JSON.stringify(baseImage)} } } });
  console.log(JSON.stringify({ status: (await finished.state()).status, logs: await finished.logs() }));
} catch (error) {
  console.error(error.message);
  process.exitCode = 2;
}
`,
    );
    return root;
  }

  const node = (cwd: string) =>
    // Symlinks stand for installed packages as npm lays them out: each package's own path is kept, so the
    // SDK looks for plugins in this project's node_modules and nowhere in the repository.
    spawnSync(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', 'main.mjs'], {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        ICL_STATE_DIR: path.join(cwd, 'state'),
        ICL_CACHE_DIR: path.join(cwd, 'cache'),
        ICL_CONFIG: path.join(cwd, 'config.yaml'),
      },
    });

  beforeAll(async () => {
    await requireDaemon();
    temporary = await createTemporaryRoot();
  });
  afterAll(async () => {
    await temporary?.remove();
  });

  test('with @icl/plugin-docker installed, a program runs --on docker through the SDK alone', async () => {
    const result = node(await project('with-plugin', true));
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      status: 'succeeded',
      logs: { stdout: 'hello from a container\n', stderr: '' },
    });
  }, 120_000);

  test('without it, the SDK says in one line which package to install', async () => {
    const result = node(await project('without-plugin', false));
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('The docker backend is not installed: npm install @icl/plugin-docker\n');
  }, 60_000);
});
