import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const repository = path.resolve(import.meta.dirname, '../../..');

/**
 * The folders of the workspace packages a user installs: the CLI and the testkit, and every workspace
 * package they depend on (not dev dependencies), transitively, as npm will look for them.
 */
function publishedClosure(roots: string[]): string[] {
  const folders = new Map<string, string>();
  for (const group of ['packages', 'plugins', 'apps', 'tooling']) {
    for (const name of readdirSync(path.join(repository, group))) {
      const manifest = path.join(repository, group, name, 'package.json');
      if (existsSync(manifest))
        folders.set(JSON.parse(readFileSync(manifest, 'utf8')).name, `${group}/${name}`);
    }
  }
  const chosen = new Set<string>();
  const visit = (folder: string) => {
    if (chosen.has(folder)) return;
    chosen.add(folder);
    const manifest = JSON.parse(readFileSync(path.join(repository, folder, 'package.json'), 'utf8'));
    for (const [dependency, version] of Object.entries<string>(manifest.dependencies ?? {})) {
      if (version.startsWith('workspace:')) visit(folders.get(dependency)!);
    }
  };
  for (const root of roots) visit(root);
  return [...chosen].sort();
}
const packed = publishedClosure(['packages/backend-testkit', 'packages/backend-kit', 'apps/cli']);

/**
 * Installs the packages exactly as a user gets them (pnpm pack, then npm install of the tarballs into
 * an empty directory outside the repository) and uses them there: the CLI runs a program, and a
 * third-party backend passes the conformance suite from the installed testkit.
 */
describe('the published packages, installed with npm outside the repository', () => {
  let project: string;
  let environment: NodeJS.ProcessEnv;

  beforeAll(async () => {
    project = await fs.mkdtemp(path.join(os.tmpdir(), 'icl-packed-'));
    const tarballs = path.join(project, 'tarballs');
    await fs.mkdir(tarballs);
    for (const directory of packed) {
      execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: path.join(repository, directory),
        stdio: 'pipe',
      });
    }
    const files = (await fs.readdir(tarballs)).map((name) => path.join(tarballs, name));
    expect(files).toHaveLength(packed.length);
    await fs.writeFile(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'user-project', private: true, type: 'module' }),
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', ...files, 'vitest@4'], {
      cwd: project,
      stdio: 'pipe',
    });
    environment = {
      ...process.env,
      ICL_STATE_DIR: path.join(project, '.icl-state'),
      ICL_CACHE_DIR: path.join(project, '.icl-cache'),
      ICL_CONFIG: path.join(project, 'config.yaml'),
    };
  }, 300_000);

  afterAll(async () => {
    if (project) await fs.rm(project, { recursive: true, force: true });
  });

  test('`icl run` works from the installed CLI and mirrors the exit code', async () => {
    await fs.writeFile(path.join(project, 'hello.py'), 'print("hello from the packed CLI")\n');
    await fs.writeFile(path.join(project, 'three.py'), 'import sys\nsys.exit(3)\n');
    const icl = path.join(project, 'node_modules', '.bin', 'icl');
    const hello = spawnSync(icl, ['run', 'hello.py'], { cwd: project, env: environment, encoding: 'utf8' });
    expect(hello.stderr).toBe('');
    expect(hello.stdout).toBe('hello from the packed CLI\n');
    expect(hello.status).toBe(0);
    const three = spawnSync(icl, ['run', 'three.py'], { cwd: project, env: environment, encoding: 'utf8' });
    expect(three.status).toBe(3);
    const plugins = spawnSync(icl, ['plugins', 'ls', '--json'], {
      cwd: project,
      env: environment,
      encoding: 'utf8',
    });
    expect(JSON.parse(plugins.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'local', package: '@icl/plugin-local' })]),
    );
  }, 60_000);

  test('the CLI brings the spec, the SDK, the engine and the local backend only; a command whose package is missing says what to install', async () => {
    const installed = (await fs.readdir(path.join(project, 'node_modules', '@icl'))).sort();
    expect(installed).toEqual([
      'backend-kit',
      'backend-testkit',
      'cli',
      'core',
      'engine',
      'plugin-local',
      'sdk',
    ]);
    const icl = path.join(project, 'node_modules', '.bin', 'icl');
    const optimize = spawnSync(icl, ['optimize', '--dir', '.'], {
      cwd: project,
      env: environment,
      encoding: 'utf8',
    });
    expect(optimize.stderr).toBe(
      'icl: @icl/optimizer (for icl optimize) is not installed: npm install @icl/optimizer Install it where the CLI is installed (with -g for a global install).\n',
    );
    expect(optimize.status).toBe(2);
    const deploy = spawnSync(icl, ['deploy', 'deploy.yaml'], {
      cwd: project,
      env: environment,
      encoding: 'utf8',
    });
    expect(deploy.stderr).toMatch(
      /^icl: @icl\/(manifest|plugin-marketplace) \(for icl deploy(, icl lease and icl validate of deploy manifests| and icl lease)\) is not installed: npm install @icl\//,
    );
    expect(deploy.status).toBe(2);
  }, 60_000);

  test('a TypeScript stack plans in a fresh directory with nothing installed but the CLI', async () => {
    const elsewhere = await fs.mkdtemp(path.join(os.tmpdir(), 'icl-typescript-stack-'));
    try {
      await fs.writeFile(
        path.join(elsewhere, 'icl-stack.ts'),
        `import { createStack, directory } from '@icl/engine';
interface Layout { path: string }
const layout: Layout = { path: 'build' };
const stack = createStack('typed');
stack.resource('workspace', directory, layout);
export default stack;
`,
      );
      const icl = path.join(project, 'node_modules', '.bin', 'icl');
      const plan = spawnSync(icl, ['plan'], { cwd: elsewhere, env: environment, encoding: 'utf8' });
      expect(plan.stderr).toBe('');
      expect(plan.stdout).toContain(`path: "${path.join(elsewhere, 'build')}"`);
      expect(plan.stdout).toContain('Plan for stack "typed": 1 to create');
      expect(plan.status).toBe(0);
    } finally {
      await fs.rm(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);

  test('the SDK runs a function program and returns its result', async () => {
    await fs.writeFile(
      path.join(project, 'train.py'),
      'def train(rate, epochs):\n    return {"score": rate * epochs}\n',
    );
    await fs.writeFile(
      path.join(project, 'use-sdk.mjs'),
      `import { program, run } from '@icl/sdk';
const finished = await run(program('train.py', { function: 'train' }), { parameters: { rate: 0.5, epochs: 4 } });
console.log(JSON.stringify(await finished.result()));
`,
    );
    const result = spawnSync(process.execPath, ['use-sdk.mjs'], {
      cwd: project,
      env: environment,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ score: 2 });
  }, 60_000);

  test('a third-party backend passes the conformance suite from the installed testkit', async () => {
    // The small backends contributing/add-a-backend.md points to, as a third party would write them: one
    // on BackendV1 directly, one on @icl/backend-kit's run driver.
    for (const file of ['process-backend.js', 'process-supervisor.js', 'shell-backend.js']) {
      await fs.copyFile(
        path.join(repository, 'packages/backend-testkit/test', file),
        path.join(project, file),
      );
    }
    await fs.writeFile(
      path.join(project, 'backend.test.js'),
      `import * as vitest from 'vitest';
import { backendTestSuite } from '@icl/backend-testkit';
import { createProcessBackend } from './process-backend.js';
import { createShellBackend } from './shell-backend.js';

backendTestSuite(vitest, (context) => createProcessBackend({}, context), {
  name: 'process',
  module: { specifier: './process-backend.js', exportName: 'createProcessBackend' },
  hostProcesses: true,
});

backendTestSuite(vitest, (context) => createShellBackend({}, context), {
  name: 'shell',
  module: { specifier: './shell-backend.js', exportName: 'createShellBackend' },
  hostProcesses: true,
});
`,
    );
    const result = spawnSync(
      path.join(project, 'node_modules', '.bin', 'vitest'),
      ['run', '--reporter=json'],
      {
        cwd: project,
        env: environment,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
    type Assertion = { status: string; title: string; fullName: string; failureMessages: string[] };
    const assertions: Assertion[] = report.testResults.flatMap(
      (file: { assertionResults: Assertion[] }) => file.assertionResults,
    );
    const failures = assertions
      .filter((assertion) => assertion.status !== 'passed' && assertion.status !== 'skipped')
      .map(
        (assertion) => `${assertion.fullName}: ${assertion.status} ${assertion.failureMessages.join('\n')}`,
      );
    expect(failures).toEqual([]);
    // What the two backends do not declare (services) shows as skipped, never as passed.
    expect(
      assertions.filter((assertion) => assertion.status === 'skipped').map((assertion) => assertion.title),
    ).toEqual([
      'starts a service once it answers and stops it on cancel',
      'starts a service once it answers and stops it on cancel',
    ]);
    expect(report.numPassedTests).toBeGreaterThanOrEqual(30);
    // Both backends ran: the one on the run driver is not silently missing.
    expect(
      report.testResults.flatMap((file: { assertionResults: Array<{ fullName: string }> }) =>
        file.assertionResults.map((assertion) => assertion.fullName),
      ),
    ).toContainEqual(expect.stringContaining('backend conformance: shell'));
    expect(result.status).toBe(0);
  }, 240_000);
});
