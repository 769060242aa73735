import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createSandbox, eventually, isAlive } from './icl-process';

/** The version of the local plugin the CLI resolves, as `icl plugins ls` must show it. */
const localPluginVersion: string = JSON.parse(
  await readFile(new URL('../../../plugins/local/package.json', import.meta.url), 'utf8'),
).version;

describe('detached runs, followed from other processes', () => {
  test('--detach prints the id; logs --follow shows all output; status --json says succeeded', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'ticks.py'),
      'import sys, time\nfor i in range(5):\n    print("tick", i, flush=True)\n    time.sleep(0.2)\nprint("done", file=sys.stderr)\n',
    );
    const detached = await sandbox.icl(['run', 'ticks.py', '--detach']);
    expect(detached.exitCode).toBe(0);
    expect(detached.stderr).toBe('');
    expect(detached.stdout).toMatch(/^[0-9a-z]{8}-[0-9a-z]{4}\n$/);
    const id = detached.stdout.trim();

    const followed = await sandbox.icl(['logs', id, '--follow']);
    expect(followed).toEqual({
      stdout: 'tick 0\ntick 1\ntick 2\ntick 3\ntick 4\n',
      stderr: 'done\n',
      exitCode: 0,
    });

    const status = await sandbox.icl(['status', id, '--json']);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      id,
      status: 'succeeded',
      exitCode: 0,
      infrastructure: 'local',
      program: 'ticks.py',
    });

    const human = await sandbox.icl(['status', id.slice(0, 11)]);
    expect(human.stdout).toMatch(new RegExp(`^ID: +${id}$`, 'm'));
    expect(human.stdout).toMatch(/^Status: +succeeded$/m);
    expect(human.stdout).toMatch(/^Exit code: +0$/m);
    expect(human.stdout).toMatch(/^Program: +ticks\.py$/m);

    const logs = await sandbox.icl(['logs', id]);
    expect(logs).toEqual({
      stdout: 'tick 0\ntick 1\ntick 2\ntick 3\ntick 4\n',
      stderr: 'done\n',
      exitCode: 0,
    });
  });

  test('logs --follow exits as icl run does: the program code, 128 + the signal that killed it', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'three.py'), 'import time, sys\ntime.sleep(0.3)\nsys.exit(3)\n');
    await writeFile(
      join(sandbox.work, 'killed.py'),
      'import os, signal, time\ntime.sleep(0.3)\nos.kill(os.getpid(), signal.SIGKILL)\n',
    );
    const three = (await sandbox.icl(['run', 'three.py', '--detach'])).stdout.trim();
    expect((await sandbox.icl(['logs', three, '--follow'])).exitCode).toBe(3);
    const killed = (await sandbox.icl(['run', 'killed.py', '--detach'])).stdout.trim();
    expect((await sandbox.icl(['logs', killed, '--follow'])).exitCode).toBe(137);
    const attached = await sandbox.icl(['run', 'killed.py']);
    expect(attached.exitCode).toBe(137);
    // Without --follow, logs only print: they succeed whatever the run did.
    expect((await sandbox.icl(['logs', three])).exitCode).toBe(0);
  });

  test('--detach --json prints {"id": ...}', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    const detached = await sandbox.icl(['run', 'hello.py', '--detach', '--json']);
    expect(detached.exitCode).toBe(0);
    const { id } = JSON.parse(detached.stdout);
    expect(id).toMatch(/^[0-9a-z]{8}-[0-9a-z]{4}$/);
    expect((await sandbox.icl(['logs', id, '--follow'])).stdout).toBe('hello\n');
  });

  test('cancel stops a detached program and every child it spawned', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'family.py'),
      [
        'import subprocess, sys, time',
        'children = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"]) for _ in range(2)]',
        'print(" ".join(str(child.pid) for child in children), flush=True)',
        'time.sleep(120)',
      ].join('\n'),
    );
    const detached = await sandbox.icl(['run', 'family.py', '--detach']);
    const id = detached.stdout.trim();
    const pids = await eventually(async () => {
      const { stdout } = await sandbox.icl(['logs', id]);
      return /^\d+ \d+\n$/.test(stdout) ? stdout.trim().split(' ').map(Number) : undefined;
    });
    expect(pids.every(isAlive)).toBe(true);

    const cancelled = await sandbox.icl(['cancel', id, '--json']);
    expect(cancelled.exitCode).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ id, status: 'cancelled' });
    await eventually(async () => (pids.some(isAlive) ? undefined : true), 5000);

    const again = await sandbox.icl(['cancel', id]);
    expect(again).toEqual({ stdout: `Run ${id} had already ended: cancelled.\n`, stderr: '', exitCode: 0 });
    expect(JSON.parse((await sandbox.icl(['status', id, '--json'])).stdout).status).toBe('cancelled');
  });

  test('an unknown run id is one line, exit 2', async () => {
    const sandbox = await createSandbox();
    expect(await sandbox.icl(['logs', 'zzzz'])).toEqual({
      stdout: '',
      stderr: 'icl: No run with id "zzzz". Run `icl runs` to see the recorded runs.\n',
      exitCode: 2,
    });
  });
});

describe('services', () => {
  test('--service --port returns once it answers, prints its URL, and icl cancel stops it', async () => {
    const sandbox = await createSandbox();
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    await writeFile(
      join(sandbox.work, 'server.py'),
      'import http.server, sys\n' +
        'class Hello(http.server.BaseHTTPRequestHandler):\n' +
        '    def do_GET(self):\n' +
        '        self.send_response(200); self.end_headers(); self.wfile.write(b"hello from the service")\n' +
        'http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hello).serve_forever()\n',
    );
    const text = await sandbox.icl([
      'run',
      'server.py',
      '--service',
      '--port',
      String(port),
      '--',
      String(port),
    ]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toBe(`http://127.0.0.1:${port}\n`);
    const id = /icl: service (\S+) is ready; stop it with: icl cancel \1\n/.exec(text.stderr)?.[1];
    expect(id).toBeDefined();
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe('hello from the service');

    const status = JSON.parse((await sandbox.icl(['status', id as string, '--json'])).stdout);
    expect(status.status).toBe('running');
    expect(status.endpoints).toEqual([{ port, url: `http://127.0.0.1:${port}` }]);
    expect((await sandbox.icl(['cancel', id as string])).exitCode).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  }, 30_000);
});

describe('listings', () => {
  test('icl runs shows a table, and JSON with --json', async () => {
    const sandbox = await createSandbox();
    expect((await sandbox.icl(['runs'])).stdout).toBe('No runs yet. Start one with `icl run <file>`.\n');
    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    await writeFile(join(sandbox.work, 'fail.py'), 'raise SystemExit(3)\n');
    await sandbox.icl(['run', 'hello.py', '--', 'x']);
    await sandbox.icl(['run', 'fail.py']);

    const json = await sandbox.icl(['runs', '--json']);
    expect(json.exitCode).toBe(0);
    const runs = JSON.parse(json.stdout);
    expect(
      runs.map((run: { program: string; status: string; exitCode: number }) => [
        run.program,
        run.status,
        run.exitCode,
      ]),
    ).toEqual([
      ['fail.py', 'failed', 3],
      ['hello.py x', 'succeeded', 0],
    ]);
    expect(JSON.parse((await sandbox.icl(['runs', '--json', '--limit', '1'])).stdout)).toHaveLength(1);

    const table = await sandbox.icl(['runs']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+INFRA\s+PROGRAM\s+STARTED\s+DURATION$/);
    expect(lines[1]).toMatch(/^[0-9a-z-]{13}\s+failed\s+local\s+fail\.py\s+just now\s+\d/);
    expect(table.stdout).not.toContain('\u001b[');
  });

  test('icl plugins ls --json shows the built-in local backend', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.icl(['plugins', 'ls', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toContainEqual(
      expect.objectContaining({
        name: 'local',
        package: '@icl/plugin-local',
        version: localPluginVersion,
        source: 'built-in',
      }),
    );
    const table = await sandbox.icl(['plugins', 'ls']);
    expect(table.stdout).toMatch(
      new RegExp(
        `^NAME\\s+PACKAGE\\s+VERSION\\s+SOURCE\\s+DESCRIPTION\\nlocal\\s+@icl/plugin-local\\s+${localPluginVersion.replaceAll('.', '\\.')}\\s+built-in`,
      ),
    );
  });

  test('icl infra ls --json shows the infrastructures with their inventory, and failures per row', async () => {
    const sandbox = await createSandbox();
    await writeFile(sandbox.configFile, 'infrastructures:\n  broken:\n    backend: nosuch\n');
    const result = await sandbox.icl(['infra', 'ls', '--json']);
    expect(result.exitCode).toBe(0);
    const rows = JSON.parse(result.stdout);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ name: 'broken', backend: 'nosuch', isDefault: false, inventory: null });
    expect(rows[0].error).toContain('Unknown backend "nosuch"');
    expect(rows[1]).toMatchObject({ name: 'local', backend: 'local', isDefault: true, error: null });
    expect(rows[1].inventory.nodes[0].cpus).toBeGreaterThan(0);
    expect(rows[1].inventory.nodes[0].memoryBytes).toBeGreaterThan(0);
    const table = await sandbox.icl(['infra', 'ls']);
    expect(table.stdout).toMatch(/^NAME\s+BACKEND\s+NODES\s+CPUS\s+MEMORY\s+GPUS\n/);
    expect(table.stdout).toMatch(/\nlocal \(default\)\s+local\s+1\s+\d+\s+\d/);
    expect(table.stdout).toMatch(/\nbroken\s+nosuch\s+-\s+-\s+-\s+error: Unknown backend "nosuch"/);
  });

  test('every command has --help with examples', async () => {
    const sandbox = await createSandbox();
    for (const command of [
      [],
      ['run'],
      ['runs'],
      ['status'],
      ['logs'],
      ['cancel'],
      ['infra', 'ls'],
      ['plugins', 'ls'],
    ]) {
      const result = await sandbox.icl([...command, '--help']);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('Examples:\n  $ icl ');
    }
  });
});
