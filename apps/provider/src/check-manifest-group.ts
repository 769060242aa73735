import type { GroupSpec, ManifestGroup } from '@icl/manifest';

/**
 * Why a manifest does not belong to the lease's order, or `undefined` when it does: every service
 * must run in one of the group spec's resource units, with exactly that unit's resources, and every
 * unit must be used. A tenant cannot lease small resources and then send a manifest asking for more.
 */
export function manifestMismatch(group: ManifestGroup, groupSpec: GroupSpec): string | undefined {
  if (!group || !Array.isArray(group.services) || group.services.length === 0) {
    return 'the manifest group has no services';
  }
  const units = new Map(groupSpec.resources.map((unit) => [unit.resource.id, unit]));
  const used = new Set<number>();
  for (const service of group.services) {
    const unit = units.get(service.resources?.id);
    if (!unit)
      return `service ${service.name} runs in resource unit ${service.resources?.id}, which the order does not have`;
    if (canonical(unit.resource) !== canonical(service.resources)) {
      return `service ${service.name} asks for other resources than the order leased (unit ${unit.resource.id})`;
    }
    used.add(unit.resource.id);
  }
  const unused = [...units.keys()].filter((id) => !used.has(id));
  if (unused.length > 0) return `no service runs in resource unit ${unused.join(', ')} of the order`;
  // The order leased `count` of each unit: the services in it run that many replicas, not more.
  for (const [id, unit] of units) {
    const replicas = group.services
      .filter((service) => service.resources?.id === id)
      .reduce((total, service) => total + service.count, 0);
    if (replicas !== unit.count)
      return `resource unit ${id} was leased for ${unit.count} replica${unit.count === 1 ? '' : 's'}, and the manifest runs ${replicas} in it`;
  }
  return undefined;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([left], [right]) =>
            left.localeCompare(right),
          ),
        )
      : item,
  );
}
