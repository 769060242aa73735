import {
  checkBackendSettings,
  defaultBackendContext,
  type SettingKind,
  settingKinds,
} from '@icl/backend-kit';
import {
  type BackendContextV1,
  type BackendV1,
  InvalidArgumentError,
  ResourceUnavailableError,
} from '@icl/core';
import { createSshBackend, type SshBackendSettings, sshSettingKinds } from '@icl/plugin-ssh';
import { MaasClient, maasStatus } from './maas-client';

/**
 * Settings of the `maas` backend: where MAAS is, which deployed machines to run on, and how to log in
 * to them (the ssh backend's settings, but for the hosts, which come from MAAS).
 */
export type MaasBackendSettings = Omit<SshBackendSettings, 'host' | 'hosts'> & {
  /**
   * What follows `maas:` in `--on maas:<name>`: a stack whose `maas:Machine` resources to run on (MAAS
   * keeps the stack's name on each machine it deployed), or one machine's hostname or system id.
   */
  target?: string;
  /** The MAAS URL. Default: `MAAS_URL`. */
  server?: string;
  /** The login on the deployed machines. Default `ubuntu`, the user MAAS's Ubuntu images make. */
  user?: string;
};

/** The ssh backend's settings but the hosts, which come from MAAS, and where MAAS is. */
const { host: _host, hosts: _hosts, ...sshKinds } = sshSettingKinds;
const kinds: Readonly<Record<string, SettingKind>> = { ...sshKinds, server: settingKinds.string };

/**
 * The `maas` backend: programs on MAAS machines deployed by `icl apply` (`--on maas:<stack>`), or on
 * one deployed machine by hostname. The machines' addresses come from MAAS on first use; runs then go
 * over SSH exactly as on the ssh backend (host keys checked, runs supervised on the machine). The MAAS
 * API key comes from `MAAS_API_KEY` only.
 *
 * @throws InvalidArgumentError for an unknown setting, or no target.
 */
export function createMaasBackend(settings: MaasBackendSettings, context?: BackendContextV1): BackendV1 {
  checkBackendSettings<MaasBackendSettings>(settings as Record<string, unknown>, kinds, 'maas backend');
  const { target, server: serverSetting, user = 'ubuntu', ...ssh } = settings;
  if (!target)
    throw new InvalidArgumentError({
      argument: 'target',
      message: 'The maas backend needs the machines to run on.',
      hint: 'Name them: --on maas:<stack> (the stack whose maas:Machine resources you applied), or --on maas:<hostname>.',
    });
  const stateDirectory = ssh.stateDirectory ?? (context ?? defaultBackendContext('maas')).stateDirectory;
  let inner: Promise<BackendV1> | undefined;
  const machines = () => {
    inner ??= (async () => {
      const server = serverSetting ?? process.env.MAAS_URL;
      const apiKey = process.env.MAAS_API_KEY;
      if (!server || !apiKey)
        throw new InvalidArgumentError({
          argument: server ? 'MAAS_API_KEY' : 'server',
          message: `The maas backend needs ${server ? 'MAAS_API_KEY' : 'the MAAS URL (MAAS_URL, or the server setting)'} to find the machines of ${target}.`,
          hint: 'export MAAS_URL=http://maas:5240/MAAS/ MAAS_API_KEY=<consumer:token:secret>',
        });
      const client = new MaasClient(server, apiKey);
      const deployed = (await client.machines()).filter((machine) => machine.status === maasStatus.deployed);
      const chosen = deployed.filter(
        (machine) =>
          machine.owner_data?.icl_stack === target ||
          machine.hostname === target ||
          machine.system_id === target,
      );
      const reachable = chosen.filter((machine) => machine.ip_addresses.length > 0);
      if (reachable.length === 0)
        throw new ResourceUnavailableError({
          resource: 'machine',
          message: `No deployed MAAS machine ${chosen.length > 0 ? 'with an address ' : ''}belongs to "${target}" at ${client.url} (deployed: ${deployed.map((machine) => machine.hostname).join(', ') || 'none'}).`,
          hint: `Deploy the stack's machines first (icl apply), or name a deployed machine: --on maas:<hostname>.`,
        });
      return createSshBackend(
        { ...ssh, hosts: reachable.map((machine) => `${user}@${machine.ip_addresses[0]}`), stateDirectory },
        context,
      );
    })();
    inner.catch(() => {
      inner = undefined;
    });
    return inner;
  };
  // What the ssh backend can do, known without asking MAAS (creating it contacts nothing).
  const capabilities = createSshBackend(
    { host: 'capabilities' },
    { ...(context ?? defaultBackendContext('maas')) },
  ).capabilities;
  return {
    specificationVersion: 'v1',
    name: 'maas',
    capabilities,
    inventory: async (options) => (await machines()).inventory(options),
    startRun: async (request, options) => (await machines()).startRun(request, options),
    getRunState: async (handle) => (await machines()).getRunState(handle),
    async *readLogs(handle, options) {
      yield* (await machines()).readLogs(handle, options);
    },
    waitForRun: async (handle, options) => (await machines()).waitForRun(handle, options),
    cancelRun: async (handle) => (await machines()).cancelRun(handle),
    close: async () => {
      const opened = await inner?.catch(() => undefined);
      await opened?.close?.();
    },
  };
}
