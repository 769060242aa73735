import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { maasMachineProvider } from '../src/index';
import { publicKey, startMaas } from './maas-stand-in';

let maas: Awaited<ReturnType<typeof startMaas>>;
beforeAll(async () => {
  maas = await startMaas(2, (index) => (index === 0 ? ['gpu', 'h100'] : ['cpu']));
});
afterAll(() => maas?.close());

const provider = () => maasMachineProvider({ apiKey: maas.apiKey, pollMilliseconds: 20 });
const context = (name: string) => ({ urn: `lab::maas:Machine::${name}`, onProgress: () => undefined });

describe('maas:Machine', () => {
  test('deploys a machine with the tags asked for, with the SSH key in its cloud-config, and releases it', async () => {
    const machines = provider();
    const { inputs } = await machines.check!({ server: maas.url, tags: ['h100'], sshPublicKey: publicKey });
    const progress: string[] = [];
    const created = await machines.create(inputs, {
      urn: 'lab::maas:Machine::gpu',
      onProgress: (line) => progress.push(line),
    });
    expect(created.outputs).toMatchObject({
      systemId: 'm00000',
      hostname: 'node-0',
      status: 'Deployed',
      distroSeries: 'jammy',
      addresses: ['10.0.0.10'],
      tags: ['h100'],
    });
    expect(progress).toContain('node-0: Deploying (Deploying)');
    const deploy = maas.requests().find((request) => request.op === 'deploy');
    expect(deploy).toEqual({ method: 'POST', path: '/MAAS/api/2.0/machines/m00000/', op: 'deploy' });
    await machines.delete(created.id, created.outputs, context('gpu'));
    expect(maas.machines()[0]).toMatchObject({ status: 4, status_name: 'Ready', owner: null });
  });

  test('erase: true wipes the disks on destroy (Disk erasing, then Ready), with progress', async () => {
    const machines = provider();
    const { inputs } = await machines.check!({
      server: maas.url,
      tags: ['cpu'],
      sshPublicKey: publicKey,
      erase: true,
    });
    const created = await machines.create(inputs, context('erased'));
    const progress: string[] = [];
    await machines.delete(created.id, created.outputs, {
      urn: 'lab::maas:Machine::erased',
      onProgress: (line) => progress.push(line),
    });
    expect(progress).toContain(`releasing ${created.id} (erasing its disks)`);
    expect(progress).toContain('node-1: Disk erasing (Erasing disks)');
    expect(maas.machines()[1]).toMatchObject({ status: 4, status_name: 'Ready', owner: null });
  });

  test('no machine matching is one clear error, and nothing is allocated', async () => {
    const machines = provider();
    const { inputs } = await machines.check!({ server: maas.url, tags: ['a100'], sshPublicKey: publicKey });
    const error = (await machines
      .create(inputs, context('a100'))
      .catch((thrown: unknown) => thrown)) as Error;
    expect(error.message).toBe(
      `MAAS at ${maas.url} has no machine for this: No available machine matches constraints: tags=a100 agent_name=icl:lab::maas:Machine::a100`,
    );
    expect(maas.machines().every((machine) => machine.status === 4)).toBe(true);
  });

  test("a failed deployment says why from the machine's events, and the machine goes back to the pool", async () => {
    const machines = provider();
    maas.failNextDeployment('m00000');
    const { inputs } = await machines.check!({ server: maas.url, tags: ['h100'], sshPublicKey: publicKey });
    const error = (await machines
      .create(inputs, context('failing'))
      .catch((thrown: unknown) => thrown)) as Error & {
      hint: string;
    };
    expect(error.message).toMatch(
      /^Deploying node-0 \(m00000\) failed: Failed deployment \(Node installation failure: curtin command failed: partitioning \/dev\/sda: device busy; Failed deployment: Installation failed/,
    );
    expect(error.hint).toContain('The machine was released.');
    expect(maas.machines()[0]).toMatchObject({ status: 4, owner: null });
  });

  test('a machine released outside ICL is gone at refresh; one redeployed with another series shows the drift', async () => {
    const machines = provider();
    const { inputs } = await machines.check!({ server: maas.url, tags: ['cpu'], sshPublicKey: publicKey });
    const created = await machines.create(inputs, context('drift'));
    maas.setMachine(created.id, { distro_series: 'focal' });
    const redeployed = await machines.read!(created.id, inputs, {
      ...context('drift'),
      recordedOutputs: created.outputs,
    });
    expect(redeployed?.outputs.distroSeries).toBe('focal');
    const diff = await machines.diff!(created.id, redeployed!.outputs, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: ['distroSeries'] });
    maas.setMachine(created.id, { status: 4, status_name: 'Ready', owner: null });
    expect(await machines.read!(created.id, inputs, context('drift'))).toBeUndefined();
  });

  test('the API key is never in outputs or errors', async () => {
    const machines = maasMachineProvider({ apiKey: 'a:b:c', pollMilliseconds: 20 });
    const { inputs } = await machines.check!({ server: maas.url, tags: ['cpu'], sshPublicKey: publicKey });
    const error = (await machines.create(inputs, context('key')).catch((thrown: unknown) => thrown)) as Error;
    expect(error.message).toContain('refused the API key (401)');
    expect(`${error.message} ${(error as Error & { hint: string }).hint}`).not.toContain(
      maas.apiKey.split(':')[2],
    );
  });
});
