import { startMaasApiServer } from '../../../tooling/testbed/maas-api-server.mjs';

/** The MAAS API stand-in (tooling/testbed/maas-api-server.mjs) with `count` Ready machines. */
export async function startMaas(count: number, tagged: (index: number) => string[] = () => ['gpu', 'h100']) {
  return startMaasApiServer({
    machines: Array.from({ length: count }, (_, index) => ({
      system_id: `m${String(index).padStart(5, '0')}`,
      hostname: `node-${index}`,
      cpu_count: 16,
      memory: 65536,
      tag_names: tagged(index),
      ip_addresses: [`10.0.0.${index + 10}`],
    })),
    deployMilliseconds: 60,
    releaseMilliseconds: 40,
  });
}

/** An OpenSSH public key line, as `sshPublicKey` takes. */
export const publicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheStandInOnly icl-test';
