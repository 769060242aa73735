// Types for inject('dockerHost') / inject('dockerBaseImage') in tests that use
// vitest-docker-global-setup.mjs. Include this file in the test tsconfig, or import it:
//   import '@icl/testbed/vitest-provided-context';
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The testbed daemon's address, e.g. unix:///root/.cache/icl-testbed/docker/docker.sock */
    dockerHost: string;
    /** The locally imported base image, icl-testbed/python:bookworm */
    dockerBaseImage: string;
    /** The Kubernetes testbed's kubeconfig file (context icl-testbed, an admin token). */
    kubeconfig: string;
    /** The SSH testbed's hosts (python, gpu, bare, amd), the identity file they accept and a known_hosts file. */
    sshTestbed: {
      hosts: Array<{
        name: 'python' | 'gpu' | 'bare' | 'amd';
        address: string;
        port: number;
        user: string;
        python: boolean;
        docker: boolean;
        namespace: string;
        link: string;
        hostKeyFile: string;
        fingerprint: string;
        knownHostsLine: string;
        pidFile: string;
      }>;
      identityFile: string;
      knownHostsFile: string;
      startedByUs: boolean;
    };
  }
}
