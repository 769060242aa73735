import path from 'node:path';
import { resourceProviderTestSuite } from '@icl/backend-testkit';
import * as vitest from 'vitest';
import { kindClusterProvider, listKindClusters } from '../src/index';

const standIn = path.join(import.meta.dirname, 'stand-in-kind.mjs');
let options: Parameters<typeof listKindClusters>[0] = {};
const exists = async (name: string) => (await listKindClusters(options)).includes(name);

resourceProviderTestSuite(
  vitest,
  ({ directory }) => {
    options = {
      command: standIn,
      environment: {
        ...process.env,
        KIND_STAND_IN_STATE: path.join(directory, 'clusters'),
        KIND_STAND_IN_LOG: path.join(directory, 'calls.log'),
        // Loading this one image fails, as kind does when Docker cannot find it.
        KIND_STAND_IN_FAIL: 'load docker-image missing:1',
      },
    };
    return kindClusterProvider(options);
  },
  {
    name: 'kind:Cluster (stand-in kind)',
    inputs: ({ unique }) => ({ name: unique, workers: 1 }),
    invalidInputs: [
      { inputs: { name: 'Lab_1' }, property: 'name' },
      { inputs: { name: 'lab', workers: -1 }, property: 'workers' },
      { inputs: { name: 'lab', colour: 'red' }, property: 'colour' },
    ],
    update: { property: 'images', change: (inputs) => ({ ...inputs, images: ['app:2'] }) },
    replace: { property: 'workers', change: (inputs) => ({ ...inputs, workers: 2 }) },
    // kind makes the cluster, then loading the image fails: the provider must delete what kind made.
    failingInputs: ({ unique }) => ({ name: unique, images: ['missing:1'] }),
    adoption: 'finds',
    exists: (id) => exists(id),
    leftBehind: (inputs) => exists(inputs.name as string),
  },
);
