import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BackendUnavailableError,
  type DiffResultV1,
  IclError,
  type ResourceOperationContextV1,
  type ResourceProviderV1,
} from '@icl/core';
import { MaasClient, type MaasMachine, maasStatus } from './maas-client';
import { checkMaasMachineInputs, type MaasMachineInputs } from './maas-machine-inputs';

/**
 * What a deployed MAAS machine provides to the resources (and runs) that depend on it: the machine, and
 * what it was asked for (so a changed declaration shows in the plan).
 */
export interface MaasMachineOutputs extends MaasMachineInputs {
  systemId: string;
  hostname: string;
  fqdn: string;
  /** Its addresses once deployed: where `icl run` reaches it over SSH. */
  addresses: string[];
  /** MAAS's status name (`Deployed`). */
  status: string;
  /** The machine's own tags in MAAS (`tags` is what was asked for). */
  machineTags: string[];
}

/** The resource type name of MAAS machines in stacks. */
export const maasMachineType = 'maas:Machine';

/** How the provider reaches MAAS. */
export interface MaasMachineProviderOptions {
  /** `consumer:token:secret`. Default: `MAAS_API_KEY`. Never stored in state. */
  apiKey?: string;
  /** The MAAS URL for machines that name none. Default: `MAAS_URL`. */
  server?: string;
  /** How often a deploying or releasing machine is looked at. Default 2000 ms. */
  pollMilliseconds?: number;
  /** How long a release may take before it is given up. Default 600 s. */
  releaseTimeoutSeconds?: number;
}

/** Inputs whose change leaves the deployed machine as it is. */
const inPlaceInputs = new Set(['erase', 'deployTimeoutSeconds']);

/**
 * MAAS machines as resources of the plan/apply engine: `create` allocates a Ready machine with the
 * declared constraints (tags, zone, pool, CPUs, memory; the urn attached as its agent name), deploys the
 * declared Ubuntu with the user's SSH key in its cloud-config, and waits until it is Deployed, reporting
 * progress; `delete` releases it (erasing its disks when asked) and waits until MAAS has it back. A
 * deployment that fails or takes too long releases the machine and says why, with MAAS's events. A
 * machine released or redeployed outside ICL shows as drift in `icl plan`.
 */
export function maasMachineProvider(
  options: MaasMachineProviderOptions = {},
): ResourceProviderV1<MaasMachineInputs, MaasMachineOutputs> {
  const pollMilliseconds = options.pollMilliseconds ?? 2000;
  const declaredOf = (outputs: MaasMachineOutputs): MaasMachineInputs => {
    const {
      systemId: _systemId,
      hostname: _hostname,
      fqdn: _fqdn,
      addresses: _addresses,
      status: _status,
      machineTags: _tags,
      ...declared
    } = outputs;
    return declared;
  };
  const clientFor = (server: string) => {
    const apiKey = options.apiKey ?? process.env.MAAS_API_KEY;
    if (!apiKey)
      throw new BackendUnavailableError({
        backendName: 'maas',
        message: `No MAAS API key to reach ${server} with.`,
        hint: 'Set MAAS_API_KEY to your key (MAAS UI: your user, API keys; or `maas apikey --username <you>`).',
      });
    return new MaasClient(server, apiKey);
  };

  async function waitWhile(
    client: MaasClient,
    systemId: string,
    busy: (machine: MaasMachine) => boolean,
    timeoutSeconds: number,
    context: ResourceOperationContextV1,
  ): Promise<MaasMachine | undefined> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    let said = '';
    for (;;) {
      const machine = await client.machine(systemId);
      if (!machine || !busy(machine)) return machine;
      const progress = `${machine.hostname}: ${machine.status_name}${machine.status_message ? ` (${machine.status_message})` : ''}`;
      if (progress !== said) context.onProgress?.(progress);
      said = progress;
      if (Date.now() > deadline)
        throw new IclError('maas-timeout', {
          message: `${machine.hostname} (${systemId}) was still ${machine.status_name} after ${timeoutSeconds} s at ${client.url}.`,
          hint: 'See the machine in the MAAS UI; raise deployTimeoutSeconds for slow hardware.',
        });
      await sleep(pollMilliseconds, undefined, context.signal ? { signal: context.signal } : {});
    }
  }

  async function release(
    client: MaasClient,
    systemId: string,
    erase: boolean,
    context: ResourceOperationContextV1,
  ) {
    context.onProgress?.(`releasing ${systemId}${erase ? ' (erasing its disks)' : ''}`);
    await client.release(systemId, { erase });
    await waitWhile(
      client,
      systemId,
      (machine) => machine.status !== maasStatus.ready && machine.owner !== null,
      options.releaseTimeoutSeconds ?? 600,
      context,
    );
  }

  return {
    specificationVersion: 'v1',
    type: maasMachineType,
    deleteBeforeReplace: false,

    async check(news) {
      return checkMaasMachineInputs(news, {
        ...((options.server ?? process.env.MAAS_URL)
          ? { server: options.server ?? process.env.MAAS_URL }
          : {}),
        ...(defaultPublicKey() ? { sshPublicKey: defaultPublicKey() } : {}),
      });
    },

    async diff(_id, olds, news): Promise<DiffResultV1> {
      const changed = Object.keys(news).filter(
        (key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]),
      );
      return {
        changes: changed.length > 0,
        replaces: changed.filter((key) => !inPlaceInputs.has(key)),
        changedProperties: changed,
      };
    },

    async create(inputs, context) {
      const client = clientFor(inputs.server);
      context.onProgress?.(`allocating a machine from ${client.url}`);
      const machine = await client.allocate({
        tags: inputs.tags,
        zone: inputs.zone,
        pool: inputs.pool,
        cpuCount: inputs.cpuCount,
        memory: inputs.memory,
        agentName: agentName(context.urn),
      });
      try {
        // Which stack and resource hold the machine, on the machine itself: `--on maas:<stack>` finds it.
        const [stack = '', , resource = ''] = context.urn.split('::');
        await client.setOwnerData(machine.system_id, { icl_stack: stack, icl_resource: resource });
        context.onProgress?.(
          `deploying ubuntu/${inputs.distroSeries} on ${machine.hostname} (${machine.system_id})`,
        );
        await client.deploy(machine.system_id, {
          distroSeries: inputs.distroSeries,
          userData: `#cloud-config\nssh_authorized_keys:\n  - ${inputs.sshPublicKey}\n`,
        });
        const settled = await waitWhile(
          client,
          machine.system_id,
          (current) => current.status === maasStatus.deploying || current.status === maasStatus.allocated,
          inputs.deployTimeoutSeconds,
          context,
        );
        if (settled?.status !== maasStatus.deployed) {
          const events = await client.events(machine.system_id).catch(() => []);
          const why = events
            .filter((event) => event.level === 'ERROR')
            .slice(0, 3)
            .map((event) => `${event.type}: ${event.description}`)
            .join('; ');
          throw new IclError('maas-deployment-failed', {
            message: `Deploying ${machine.hostname} (${machine.system_id}) failed: ${settled?.status_name ?? 'it is gone'}${why ? ` (${why})` : ''}.`,
            hint: 'The machine was released. See its events in the MAAS UI; try another machine (tags, zone) or series.',
          });
        }
        return { id: machine.system_id, outputs: outputsOf(settled, inputs) };
      } catch (error) {
        // The contract: a failed create leaves nothing; the machine goes back to the pool.
        await release(client, machine.system_id, inputs.erase, context).catch(() => undefined);
        throw error;
      }
    },

    async read(recordedId, inputs, context) {
      const recorded = context?.recordedOutputs as MaasMachineOutputs | undefined;
      const declared = inputs ?? (recorded ? declaredOf(recorded) : undefined);
      const server = declared?.server || options.server || process.env.MAAS_URL;
      if (!server || !declared) return undefined;
      const client = clientFor(server);
      if (!recordedId) {
        // A create interrupted before its id was recorded: the machine carries the urn as its agent name.
        if (!context?.urn) return undefined;
        const [found] = await client.machines({ agentName: agentName(context.urn) });
        return found ? { id: found.system_id, outputs: outputsOf(found, declared) } : undefined;
      }
      const machine = await client.machine(recordedId);
      // Released outside ICL (back to Ready, or on its way there): the resource is gone.
      if (!machine || machine.status === maasStatus.ready || machine.status === maasStatus.releasing)
        return undefined;
      return { id: recordedId, outputs: outputsOf(machine, declared) };
    },

    async update(_id, olds, news) {
      // Only what changes nothing on the machine is updated in place (erase, the deploy timeout).
      return { outputs: { ...olds, erase: news.erase, deployTimeoutSeconds: news.deployTimeoutSeconds } };
    },

    async delete(id, outputs, context) {
      const server = outputs.server || options.server || process.env.MAAS_URL || '';
      await release(clientFor(server), id, outputs.erase === true, context);
    },
  };
}

function agentName(urn: string): string {
  return `icl:${urn}`;
}

/** The outputs: what was declared, with the series as MAAS reports it (a redeploy outside ICL shows). */
function outputsOf(machine: MaasMachine, declared: MaasMachineInputs): MaasMachineOutputs {
  return {
    ...declared,
    distroSeries: machine.distro_series || declared.distroSeries,
    systemId: machine.system_id,
    hostname: machine.hostname,
    fqdn: machine.fqdn,
    addresses: machine.ip_addresses,
    status: machine.status_name,
    machineTags: machine.tag_names,
  };
}

/** The user's public key, the default `sshPublicKey`: the first of `~/.ssh/id_{ed25519,ecdsa,rsa}.pub`. */
function defaultPublicKey(): string | undefined {
  for (const name of ['id_ed25519.pub', 'id_ecdsa.pub', 'id_rsa.pub']) {
    const file = path.join(os.homedir(), '.ssh', name);
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  }
  return undefined;
}
