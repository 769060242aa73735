import { resourceProviderTestSuite } from '@icl/backend-testkit';
import * as vitest from 'vitest';
import { maasMachineProvider } from '../src/index';
import { publicKey, startMaas } from './maas-stand-in';

// The resource-provider conformance suite for maas:Machine, against the MAAS 2.0 API stand-in.
const maas = await startMaas(12, (index) => (index % 2 === 0 ? ['gpu', 'h100'] : ['cpu']));
vitest.afterAll(() => maas.close());
const ownedBy = (id: string) => maas.machines().find((machine) => machine.system_id === id);

resourceProviderTestSuite(vitest, () => maasMachineProvider({ apiKey: maas.apiKey, pollMilliseconds: 20 }), {
  name: 'maas:Machine (MAAS API stand-in)',
  inputs: () => ({ server: maas.url, tags: ['h100'], sshPublicKey: publicKey }),
  invalidInputs: [
    { inputs: { server: 'maas.example', sshPublicKey: publicKey }, property: 'server' },
    { inputs: { server: maas.url, tags: ['h100', 'bad tag'], sshPublicKey: publicKey }, property: 'tags' },
    { inputs: { server: maas.url, sshPublicKey: 'not a key' }, property: 'sshPublicKey' },
    { inputs: { server: maas.url, sshPublicKey: publicKey, colour: 'red' }, property: 'colour' },
  ],
  update: { property: 'erase', change: (inputs) => ({ ...inputs, erase: true }) },
  replace: { property: 'distroSeries', change: (inputs) => ({ ...inputs, distroSeries: 'noble' }) },
  // No machine has this tag: MAAS answers 409 and nothing is allocated.
  failingInputs: () => ({ server: maas.url, tags: ['a100'], sshPublicKey: publicKey }),
  adoption: 'finds',
  exists: async (id) => {
    const machine = ownedBy(id);
    return machine !== undefined && machine.status !== 4 && machine.status !== 12;
  },
  leftBehind: async () => maas.machines().some((machine) => machine.status === 10 || machine.status === 9),
});
