import { backendTestSuite } from '@icl/backend-testkit';
import * as vitest from 'vitest';
import { createSshBackend } from '../src/index';
import { hostSettings } from './testbed-hosts';

// The whole backend conformance suite against a real OpenSSH host (Debian's sshd in its own network
// namespace, with Python and venv), reached over its veth pair with its host key checked.
const settings = hostSettings('python');

backendTestSuite(vitest, (context) => createSshBackend(settings, context), {
  name: 'ssh',
  module: { specifier: '@icl/plugin-ssh', exportName: 'createSshBackend', settings },
  timeoutScale: 2,
});
