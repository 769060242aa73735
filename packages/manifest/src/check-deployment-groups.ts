import type { BuiltGroup } from './build-deployment-groups';
import type { ManifestField } from './manifest-field';
import type { ManifestModel } from './manifest-model';
import { resourceLimits } from './resource-limits';

/**
 * Checks what only shows once groups are built, as the chain and providers would: each group's totals
 * (replicas × resources) stay within a group's limits, a deployment prices in one denomination, no
 * host name is accepted twice, and at least one service is reachable from the internet.
 */
export function checkDeploymentGroups(
  model: ManifestModel,
  groups: readonly BuiltGroup[],
  allBuilt: boolean,
): void {
  const factor = resourceLimits.groupReplicaFactor;
  let denomination: { denom: string; placement: string } | undefined;
  for (const group of groups) {
    const placementField = model.placementProfiles.get(group.name)?.field ?? model.root;
    const firstCount = group.units[0]?.entries[0]?.countField ?? placementField;
    let cpu = 0;
    let gpu = 0;
    let memory = 0;
    let volumeTooLarge: { name: string; bytes: number } | undefined;
    for (const unit of group.units) {
      cpu += unit.compute.cpuMillis * unit.count;
      gpu += unit.compute.gpuUnits * unit.count;
      memory += unit.compute.memoryBytes * unit.count;
      for (const volume of unit.compute.storage) {
        if (volume.bytes * unit.count > resourceLimits.storageBytes.maximum * factor) {
          volumeTooLarge ??= { name: volume.name, bytes: volume.bytes * unit.count };
        }
      }
    }
    const limit = (what: string, total: string, maximum: string): void =>
      firstCount.report(
        'group-resource-limit',
        `placement \`${group.name}\` asks for ${total} of ${what} in total, above the group limit of ${maximum}`,
        'Lower the replica counts or the resources per replica, or split the services over several placements.',
      );
    if (cpu > resourceLimits.cpuMillis.maximum * factor)
      limit('CPU', `${cpu / 1000} CPUs`, `${(resourceLimits.cpuMillis.maximum * factor) / 1000}`);
    if (gpu > resourceLimits.gpuUnits.maximum * factor)
      limit('GPU', `${gpu} GPUs`, `${resourceLimits.gpuUnits.maximum * factor}`);
    if (memory > resourceLimits.memoryBytes.maximum * factor)
      limit('memory', `${memory} bytes`, `${resourceLimits.memoryBytes.maximum * factor} bytes`);
    if (volumeTooLarge !== undefined) {
      limit(
        `storage in volume \`${volumeTooLarge.name}\``,
        `${volumeTooLarge.bytes} bytes`,
        `${resourceLimits.storageBytes.maximum * factor} bytes`,
      );
    }

    for (const unit of group.units) {
      if (denomination === undefined) denomination = { denom: unit.price.denom, placement: group.name };
      else if (unit.price.denom !== denomination.denom) {
        unit.price.field.report(
          'denomination-mismatch',
          `prices in \`${unit.price.denom}\`, but placement \`${denomination.placement}\` prices in \`${denomination.denom}\``,
          `Price every compute profile of the deployment in the same ${model.version === '1.0' ? 'token' : 'denomination'}.`,
        );
      }
    }
  }

  const hostOwners = new Map<string, string>();
  for (const group of groups) {
    for (const service of group.services) {
      const source = model.services.get(service.name);
      for (const expose of service.expose) {
        for (const host of expose.hosts ?? []) {
          const owner = hostOwners.get(host);
          if (owner !== undefined) {
            const field = hostField(source?.expose, host) ?? model.root;
            field.report(
              'hostname-duplicate',
              `host \`${host}\` is already accepted by ${owner}`,
              'Accept each host name once in the whole deployment: on one expose entry with one `to` target, of a service deployed to one placement.',
            );
          } else hostOwners.set(host, `service \`${service.name}\` in placement \`${group.name}\``);
        }
      }
    }
  }

  const global = groups.some((group) =>
    group.services.some((service) => service.expose.some((expose) => expose.global)),
  );
  // A deployment of programs that run once (ICL 1.0 `restart_policy: Never`) need not be reachable.
  const onlyPrograms = groups.every((group) =>
    group.services.every((service) => service.restartPolicy === 'Never'),
  );
  if (allBuilt && groups.length > 0 && !global && !onlyPrograms) {
    model.servicesField.report(
      'global-service-required',
      'no deployed service is reachable from the internet',
      'Add `to: [{ global: true }]` to an expose entry of at least one deployed service (or give programs that run once `restart_policy: Never`).',
    );
  }
}

function hostField(
  exposes:
    | ReadonlyArray<{ hosts: readonly string[] | null; hostFields: readonly ManifestField[] }>
    | undefined,
  host: string,
): ManifestField | undefined {
  for (const expose of exposes ?? []) {
    const index = expose.hosts?.indexOf(host) ?? -1;
    if (index >= 0) return expose.hostFields[index];
  }
  return undefined;
}
