import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { createSandbox, eventually, installedBackends, isAlive } from './icl-process';

describe('icl run', () => {
  test("streams a script's stdout and stderr exactly and exits 0", async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'hello.py'),
      'import sys\nprint("hello", " ".join(sys.argv[1:]))\nprint("a warning", file=sys.stderr)\n',
    );
    const result = await sandbox.icl(['run', 'hello.py', '--', '--name', 'ada']);
    expect(result).toEqual({ stdout: 'hello --name ada\n', stderr: 'a warning\n', exitCode: 0 });
    const [recordFile] = await sandbox.recordFiles();
    const record = JSON.parse(await readFile(join(sandbox.stateDirectory, 'runs', recordFile!), 'utf8'));
    expect(record).toMatchObject({
      infrastructure: 'local',
      description: 'hello.py --name ada',
      state: { status: 'succeeded', exitCode: 0 },
    });
  });

  test('icl runs names a damaged run record on stderr and still lists every other run', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    expect((await sandbox.icl(['run', 'hello.py'])).exitCode).toBe(0);
    const damaged = join(sandbox.stateDirectory, 'runs', 'mfx3k2a1-zzzz.json');
    await writeFile(damaged, '{}');
    const listed = await sandbox.icl(['runs', '--json']);
    expect(listed.stderr).toBe(
      `icl: warning: left out of the list: The run record ${damaged} is not a run record ICL wrote (id: must be a string).\n`,
    );
    expect((JSON.parse(listed.stdout) as Array<{ status: string }>).map((run) => run.status)).toEqual([
      'succeeded',
    ]);
    expect(listed.exitCode).toBe(0);
  });

  test('icl runs reports a broken settings file with its location instead of ignoring it', async () => {
    const sandbox = await createSandbox();
    await writeFile(sandbox.configFile, 'infrastructures:\n  lab: [unclosed\n');
    const listed = await sandbox.icl(['runs']);
    expect(listed.stderr).toMatch(
      new RegExp(
        `^icl: Invalid settings file ${sandbox.configFile.replaceAll('/', '\\/')}:3:1: the file is not valid YAML`,
      ),
    );
    expect(listed.exitCode).toBe(2);
  });

  test("mirrors the program's exit code", async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'fail.py'), 'import sys\nprint("failing")\nsys.exit(3)\n');
    expect(await sandbox.icl(['run', 'fail.py'])).toEqual({ stdout: 'failing\n', stderr: '', exitCode: 3 });
  });

  test('passes --env, and ships --file', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'data.txt'), 'payload\n');
    await writeFile(
      join(sandbox.work, 'env.py'),
      'import os\nprint(os.environ["GREETING"], os.environ["EMPTY"] == "", open("input.txt").read().strip())\n',
    );
    const result = await sandbox.icl([
      'run',
      'env.py',
      '--env',
      'GREETING=a=b',
      '--env',
      'EMPTY=',
      '--file',
      'data.txt:input.txt',
    ]);
    expect(result).toEqual({ stdout: 'a=b True payload\n', stderr: '', exitCode: 0 });
  });

  test('shows progress on stderr while building a runtime, and nothing once it is reused', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'usesix.py'), 'import six\nprint("six", six.__version__)\n');
    const first = await sandbox.icl(['run', 'usesix.py', '--pip', 'six==1.17.0']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe('six 1.17.0\n');
    const lines = first.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^icl: Creating Python environment [0-9a-f]{16} \(six==1\.17\.0\)$/);
    expect(lines.at(-1)).toMatch(/^icl: Python environment [0-9a-f]{16} ready \(\d+\.\ds\)$/);
    expect(first.stderr).not.toContain('\u001b');
    expect(await sandbox.icl(['run', 'usesix.py', '--pip', 'six==1.17.0'])).toEqual({
      stdout: 'six 1.17.0\n',
      stderr: '',
      exitCode: 0,
    });
  }, 120_000);

  test('the pip example installs the dependencies its script declares (PEP 723) once, then reuses them', async () => {
    const sandbox = await createSandbox();
    const example = fileURLToPath(new URL('../../../examples/pip/table.py', import.meta.url));
    await copyFile(example, join(sandbox.work, 'table.py'));
    const first = await sandbox.icl(['run', 'table.py']);
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toMatch(/^icl: Creating Python environment [0-9a-f]{16} \(tabulate==0\.9\.0\)\n/);
    expect(first.stderr).toContain('icl: Successfully installed tabulate-0.9.0');
    expect(first.stdout).toContain('| H100  |            80 |       8 |');
    const second = await sandbox.icl(['run', 'table.py']);
    expect(second).toEqual({ stdout: first.stdout, stderr: '', exitCode: 0 });
  }, 120_000);

  test('a function program prints its JSON result after its output', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'train.py'),
      'def train(epochs, name, tags):\n    print("training")\n    return {"epochs": epochs, "name": name, "tags": tags}\n',
    );
    const result = await sandbox.icl([
      'run',
      'train.py',
      '--function',
      'train',
      '--param',
      'epochs=3',
      '--param',
      'name=ada',
      '--param',
      'tags=["x",1]',
    ]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('training\n{"epochs":3,"name":"ada","tags":["x",1]}\n');
  });

  test('parameters the function does not take, or missing ones, are one line naming its parameters, exit 2', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'train.py'),
      'def train(learning_rate: float, epochs: int = 5):\n    print("training")\n    return epochs\n',
    );
    const call = (...parameters: string[]) =>
      sandbox.icl([
        'run',
        'train.py',
        '--function',
        'train',
        ...parameters.flatMap((value) => ['--param', value]),
      ]);
    const unknown = await call('learning_rate=0.1', 'lr=3');
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      "icl: train() cannot be called with learning_rate, lr: got an unexpected keyword argument 'lr'; its parameters: learning_rate: float, epochs: int = 5\n",
    );
    expect(unknown.exitCode).toBe(2);
    const missing = await call('epochs=2');
    expect(missing.stderr).toBe(
      "icl: train() cannot be called with epochs: missing a required argument: 'learning_rate'; its parameters: learning_rate: float, epochs: int = 5\n",
    );
    expect(missing.exitCode).toBe(2);
  });

  test('a --param that starts like JSON but is not, or a repeated one, is one line and exit 2; nothing runs', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'train.py'), 'def train(values):\n    return values\n');
    const broken = await sandbox.icl(['run', 'train.py', '--function', 'train', '--param', 'values=[1']);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(
      /^icl: --param values=\[1 starts like JSON but is not JSON: .+ Fix the JSON/,
    );
    const twice = await sandbox.icl([
      'run',
      'train.py',
      '--function',
      'train',
      '--param',
      'values=1',
      '--param',
      'values=2',
    ]);
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toMatch(/^icl: --param values is given twice\./);
    const text = await sandbox.icl([
      'run',
      'train.py',
      '--function',
      'train',
      '--param',
      'values=plain text',
    ]);
    expect(text.stdout).toBe('"plain text"\n');
    expect(JSON.parse((await sandbox.icl(['runs', '--json'])).stdout)).toHaveLength(1);
  });

  test("--json prints a summary on stdout and the program's output on stderr", async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    const result = await sandbox.icl(['run', 'hello.py', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('hello\n');
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      program: 'hello.py',
      result: null,
    });
  });

  test('a timeout stops the run and exits 124 with one line', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'slow.py'),
      'import time\nprint("started", flush=True)\ntime.sleep(30)\n',
    );
    const started = Date.now();
    const result = await sandbox.icl(['run', 'slow.py', '--timeout', '1s']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.exitCode).toBe(124);
    expect(result.stdout).toBe('started\n');
    expect(result.stderr).toMatch(/^icl: run [0-9a-z]{8}-[0-9a-z]{4} timed out after 1s\n$/);
  });

  test('Ctrl-C cancels the run, stops the program, and exits 130', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'forever.py'),
      'import os, time\nprint(os.getpid(), flush=True)\nwhile True:\n    time.sleep(0.1)\n',
    );
    const child = sandbox.spawnIcl(['run', 'forever.py']);
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    const pid = await eventually(async () => (/^\d+\n/.test(stdout) ? Number(stdout.trim()) : undefined));
    expect(isAlive(pid)).toBe(true);
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    await eventually(async () => (isAlive(pid) ? undefined : true), 5000);
    const [recordFile] = await sandbox.recordFiles();
    const record = JSON.parse(await readFile(join(sandbox.stateDirectory, 'runs', recordFile!), 'utf8'));
    expect(record.state.status).toBe('cancelled');
  });
  test('closing the terminal (SIGHUP, output gone) cancels the run as Ctrl-C does, and exits 129', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      join(sandbox.work, 'chatty.py'),
      'import os, time\nprint(os.getpid(), flush=True)\nwhile True:\n    print("still here", flush=True)\n    time.sleep(0.05)\n',
    );
    const child = sandbox.spawnIcl(['run', 'chatty.py']);
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('close', (code, signal) => resolve([code, signal])),
    );
    const pid = await eventually(async () =>
      /^\d+\n/.test(stdout) ? Number(stdout.split('\n')[0]) : undefined,
    );
    // The terminal goes away: no one reads icl's output any more, then the hang-up arrives.
    child.stdout?.destroy();
    child.stderr?.destroy();
    child.kill('SIGHUP');
    expect(await closed).toEqual([129, null]);
    await eventually(async () => (isAlive(pid) ? undefined : true), 5000);
    const [recordFile] = await sandbox.recordFiles();
    const record = JSON.parse(await readFile(join(sandbox.stateDirectory, 'runs', recordFile!), 'utf8'));
    expect(record.state.status).toBe('cancelled');
  });
});

describe('icl run refuses bad requests with one line and exit 2, recording nothing', () => {
  test('a missing file', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.icl(['run', 'nope.py']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `icl: File not found: nope.py. Check the path; relative paths are resolved against the current directory (${sandbox.work}).\n`,
    );
    expect(await sandbox.recordFiles()).toEqual([]);
  });

  test('an unknown infrastructure lists the defined ones', async () => {
    const sandbox = await createSandbox();
    await writeFile(sandbox.configFile, 'infrastructures:\n  lab:\n    backend: local\n');
    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    const result = await sandbox.icl(['run', 'hello.py', '--on', 'nowhere']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `icl: Unknown infrastructure "nowhere". Defined infrastructures: lab, local. Define it under \`infrastructures:\` in ${sandbox.configFile}, or use a backend name (${(await installedBackends(sandbox)).join(', ')}).\n`,
    );
    expect(await sandbox.recordFiles()).toEqual([]);
  });

  test('an unknown backend lists the installed backends', async () => {
    const sandbox = await createSandbox();
    await writeFile(
      sandbox.configFile,
      'defaultInfrastructure: lab\ninfrastructures:\n  lab:\n    backend: nosuch\n',
    );
    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    const result = await sandbox.icl(['run', 'hello.py']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `icl: Unknown backend "nosuch". Installed backends: ${(await installedBackends(sandbox)).join(', ')}. Install its plugin (for example \`npm install @icl/plugin-nosuch\`) or pick one of the installed backends.\n`,
    );
    expect(await sandbox.recordFiles()).toEqual([]);
  });

  test('a malformed --gpus shows the accepted forms', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    const result = await sandbox.icl(['run', 'hello.py', '--gpus', 'H100:x']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'icl: Invalid GPU request for --gpus: "H100:x". Write a count (2), a model (H100) or a model and count (H100:8); the count must be at least 1.\n',
    );
    expect(await sandbox.recordFiles()).toEqual([]);
  });

  test('a bad settings file names file:line:column', async () => {
    const sandbox = await createSandbox();
    await writeFile(sandbox.configFile, 'infrastructures:\n  lab:\n    backend: [local]\n');
    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    const result = await sandbox.icl(['run', 'hello.py']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `icl: Invalid settings file ${sandbox.configFile}:3:14: \`infrastructures.lab.backend\` must be the name of a backend. Write it as \`backend: local\` (see \`icl plugins ls\` for the installed backends).\n`,
    );
    expect(await sandbox.recordFiles()).toEqual([]);
  });

  test('usage mistakes (an unknown option, a missing argument)', async () => {
    const sandbox = await createSandbox();
    const unknown = await sandbox.icl(['run', 'hello.py', '--epochs', '3']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe(
      "icl: unknown option '--epochs'. Pass the script's own options after --, for example `icl run train.py -- --epochs 3`.\n",
    );
    const missing = await sandbox.icl(['run']);
    expect(missing).toEqual({
      stdout: '',
      stderr: "icl: missing required argument 'file'. Run `icl run --help` for usage.\n",
      exitCode: 2,
    });
    expect(await sandbox.recordFiles()).toEqual([]);
  });

  test('an unexpected failure is one line pointing at ICL_DEBUG, exit 1', async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.work, 'hello.py'), 'print("hello")\n');
    const blocker = join(sandbox.root, 'not-a-directory');
    await writeFile(blocker, '');
    const result = await sandbox.icl(['run', 'hello.py'], { environment: { ICL_STATE_DIR: blocker } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^icl: .*not-a-directory.* \(set ICL_DEBUG=1 for the stack\)\n$/);
  });
});
