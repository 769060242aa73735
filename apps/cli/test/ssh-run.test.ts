import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { createSandbox, type IclSandbox } from './icl-process';

/** What the SSH testbed's global setup provides (see tooling/testbed/vitest-provided-context.d.ts). */
interface SshTestbed {
  hosts: Array<{ name: string; user: string; address: string }>;
  identityFile: string;
  knownHostsFile: string;
}

// `icl` against real OpenSSH hosts (the SSH testbed: a host with Python, one with two stand-in H100s).
const testbed = inject('sshTestbed' as never) as SshTestbed;
const named = (name: string) => {
  const host = testbed.hosts.find((candidate) => candidate.name === name)!;
  return `${host.user}@${host.address}`;
};
const examples = join(import.meta.dirname, '../../../examples');

async function withFleet(): Promise<IclSandbox> {
  const sandbox = await createSandbox();
  await writeFile(
    sandbox.configFile,
    [
      'infrastructures:',
      '  lab:',
      '    backend: ssh',
      '    settings:',
      `      hosts: [${named('python')}, ${named('gpu')}]`,
      `      identityFile: ${testbed.identityFile}`,
      `      knownHostsFile: ${testbed.knownHostsFile}`,
      '  ssh:',
      '    backend: ssh',
      '    settings:',
      `      identityFile: ${testbed.identityFile}`,
      `      knownHostsFile: ${testbed.knownHostsFile}`,
      '',
    ].join('\n'),
  );
  return sandbox;
}

describe('icl on SSH hosts', () => {
  test('icl run --on ssh:<host> runs the hello example there and mirrors its exit code', async () => {
    const sandbox = await withFleet();
    const hello = await sandbox.icl([
      'run',
      '--on',
      `ssh:${named('python')}`,
      join(examples, 'hello/hello.py'),
    ]);
    expect(hello.stderr).toBe('');
    expect(hello.stdout).toMatch(/^Hello from ICL! Python \d+\.\d+\.\d+ on Linux\.\n$/);
    expect(hello.exitCode).toBe(0);
    await writeFile(join(sandbox.work, 'three.sh'), 'echo failing >&2\nexit 3\n');
    const three = await sandbox.icl(['run', '--on', `ssh:${named('python')}`, 'three.sh']);
    expect(three.stderr).toBe('failing\n');
    expect(three.exitCode).toBe(3);
  });

  test("icl run --image runs in a container on the host's Docker daemon; on local, --image is refused", async () => {
    const sandbox = await withFleet();
    await writeFile(
      join(sandbox.work, 'where.py'),
      'import os\nprint("container" if os.path.exists("/.dockerenv") else "host", os.getcwd())\n',
    );
    const image = inject('dockerBaseImage' as never) as string;
    const contained = await sandbox.icl([
      'run',
      '--on',
      `ssh:${named('python')}`,
      '--image',
      image,
      'where.py',
    ]);
    expect(contained.stdout).toBe('container /workspace\n');
    expect(contained.exitCode).toBe(0);
    const local = await sandbox.icl(['run', '--image', image, 'where.py']);
    expect(local.stdout).toBe('');
    expect(local.stderr).toContain(`it does not run the image ${image}`);
    expect(local.exitCode).toBe(2);
  });

  test('icl infra ls shows the fleet and each host with its GPUs', async () => {
    const sandbox = await withFleet();
    const listed = await sandbox.icl(['infra', 'ls']);
    expect(listed.exitCode).toBe(0);
    const lines = listed.stdout.split('\n');
    const fleet = lines.findIndex((line) => line.startsWith('lab '));
    expect(lines[fleet]).toMatch(/^lab\s+ssh\s+2\s+\d+\s+\S+ \S+\s+2x NVIDIA H100 80GB HBM3\s*$/);
    expect(lines[fleet + 1]).toMatch(new RegExp(`^  ${named('python')}\\s+\\d+\\s+\\S+ \\S+\\s+-\\s*$`));
    expect(lines[fleet + 2]).toMatch(
      new RegExp(`^  ${named('gpu')}\\s+\\d+\\s+\\S+ \\S+\\s+2x NVIDIA H100 80GB HBM3\\s*$`),
    );
    expect(listed.stdout).toContain('\nlab read just now (icl infra ls --refresh reads again)\n');
    // The next listing reuses that reading (same time); --refresh reads the hosts again.
    const reading = async (...flags: string[]) => {
      const json = JSON.parse((await sandbox.icl(['infra', 'ls', '--json', ...flags])).stdout) as Array<{
        name: string;
        inventory: { observedAt: string };
      }>;
      return json.find((row) => row.name === 'lab')!.inventory.observedAt;
    };
    const first = await reading();
    expect(await reading()).toBe(first);
    expect(Date.parse(await reading('--refresh'))).toBeGreaterThan(Date.parse(first));
  });

  test('--gpus H100:2 on the fleet lands on the GPU host; --gpus A100:1 is one line naming each host', async () => {
    const sandbox = await withFleet();
    await writeFile(join(sandbox.work, 'devices.sh'), 'echo "devices=$CUDA_VISIBLE_DEVICES"\n');
    const placed = await sandbox.icl(['run', '--on', 'lab', '--gpus', 'H100:2', 'devices.sh']);
    expect(placed.stdout).toBe('devices=0,1\n');
    expect(placed.exitCode).toBe(0);
    const refused = await sandbox.icl(['run', '--on', 'lab', '--gpus', 'A100:1', 'devices.sh']);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^icl: No host of this infrastructure has 1 × A100 free: ${named('python')} has no GPU .*; ${named('gpu')} has 2 × NVIDIA H100 80GB HBM3\\. `,
      ),
    );
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.exitCode).toBe(2);
  });
});
