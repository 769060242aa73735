import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { resourceProviderTestSuite } from '@icl/backend-testkit';
import * as vitest from 'vitest';
import {
  createCommandProvider,
  createDirectoryProvider,
  createFileProvider,
  createNoopProvider,
} from '../src/index';

const present = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

resourceProviderTestSuite(vitest, ({ directory }) => createFileProvider({ baseDirectory: directory }), {
  name: 'icl:File',
  inputs: ({ unique }) => ({ path: `${unique}.txt`, content: 'one' }),
  invalidInputs: [
    { inputs: { path: 'a.txt', content: 'x', mode: '999' }, property: 'mode' },
    { inputs: { content: 'x' }, property: 'path' },
    { inputs: { path: 'a.txt', content: 3 }, property: 'content' },
  ],
  update: { property: 'content', change: (inputs) => ({ ...inputs, content: 'two' }) },
  replace: { property: 'path', change: (inputs) => ({ ...inputs, path: `${inputs.path}.moved` }) },
  failingInputs: ({ unique }) => ({ path: join(unique, 'no-such-directory', 'file.txt'), content: 'x' }),
  adoption: 'finds',
  exists: (id) => present(id),
  leftBehind: (inputs) => present(inputs.path as string),
});

resourceProviderTestSuite(vitest, ({ directory }) => createDirectoryProvider({ baseDirectory: directory }), {
  name: 'icl:Directory',
  inputs: ({ unique }) => ({ path: unique }),
  invalidInputs: [{ inputs: { path: '' }, property: 'path' }],
  replace: { property: 'path', change: (inputs) => ({ path: `${inputs.path}-moved` }) },
  failingInputs: ({ unique }) => ({ path: join(unique, 'no-such-parent', 'child') }),
  adoption: 'finds',
  exists: (id) => present(id),
  leftBehind: (inputs) => present(inputs.path as string),
});

// The scripts keep a marker file in the suite's directory (the provider's working directory); create
// prints its name, so the recorded stdout says which marker belongs to which resource.
const marker = (unique: string) => ({
  create: `touch ${unique}.made && echo ${unique}.made`,
  read: `if test -f ${unique}.made; then echo ${unique}.made; fi`,
  delete: `rm -f ${unique}.made`,
});
let commandDirectory = '';
resourceProviderTestSuite(
  vitest,
  ({ directory }) => {
    commandDirectory = directory;
    return createCommandProvider({ baseDirectory: directory });
  },
  {
    name: 'icl:Command',
    inputs: ({ unique }) => marker(unique),
    invalidInputs: [
      { inputs: { create: ' ' }, property: 'create' },
      { inputs: { create: 'true', environment: { A: 1 } }, property: 'environment' },
    ],
    update: {
      property: 'delete',
      change: (inputs) => ({ ...inputs, delete: `${inputs.delete} # and log it` }),
    },
    replace: { property: 'create', change: (inputs) => ({ ...inputs, create: `${inputs.create} # again` }) },
    // The create script makes its marker, then fails: what it left is found by the read script.
    failingInputs: ({ unique }) => ({
      ...marker(unique),
      create: `touch ${unique}.made; echo broken >&2; exit 3`,
    }),
    adoption: 'finds',
    exists: (_id, outputs) => present(join(commandDirectory, outputs.stdout as string)),
    leftBehind: (inputs) =>
      present(join(commandDirectory, /if test -f (\S+);/.exec(inputs.read as string)![1]!)),
  },
);

resourceProviderTestSuite(vitest, () => createNoopProvider(), {
  name: 'icl:Noop',
  inputs: ({ unique }) => ({ input: unique }),
  update: { property: 'input', change: (inputs) => ({ ...inputs, input: `${inputs.input}-changed` }) },
  replace: { property: 'triggersReplace', change: (inputs) => ({ ...inputs, triggersReplace: 2 }) },
  adoption: 'nothing-made',
  disabledTests: {
    'read after delete says the resource is gone':
      'an icl:Noop exists only in the state, so nothing outside it can say it is gone',
  },
});
