import type { BuiltGroup } from './build-deployment-groups';
import { formatDecimalAmount } from './decimal-amount';
import type { DeploymentOrder } from './deployment-order';
import { EndpointKind, type GroupSpec } from './group-spec';
import type { ManifestModel } from './manifest-model';
import type { ManifestGroup } from './provider-manifest';

/** Turns built groups into orders: the matching data of each placement, in plain numbers. */
export function buildOrders(
  model: ManifestModel,
  groups: readonly BuiltGroup[],
  groupSpecs: readonly GroupSpec[],
  manifest: readonly ManifestGroup[],
  tiers: readonly number[],
): DeploymentOrder[] {
  return groups.map((group, index) => {
    const steering = model.placementProfiles.get(group.name)!.steering;
    const denom = group.units[0]?.price.denom ?? '';
    const total = group.units.reduce((sum, unit) => sum + unit.price.amount * BigInt(unit.count), 0n);
    return {
      placement: group.name,
      groupSpec: groupSpecs[index]!,
      manifestGroup: manifest[index]!,
      mode: model.mode,
      durationSeconds: model.duration?.seconds,
      tiers,
      priceUnit: model.version === '1.0' ? 'hour' : 'block',
      denom,
      maximumPrice: { denom, amount: formatDecimalAmount(total) },
      requirements: {
        attributes: group.attributes,
        signedBy: { allOf: group.signedBy.allOf ?? [], anyOf: group.signedBy.anyOf ?? [] },
        region: steering.region,
        excludedRegions: steering.excludedRegions,
        desiredProviders: steering.desiredProviders,
        excludedProviders: steering.excludedProviders,
        desiredFizzNodes: steering.desiredFizzNodes,
        minimumBandwidth: steering.bandwidth,
      },
      resources: group.units.map((unit) => ({
        id: unit.id,
        services: unit.services,
        count: unit.count,
        computeProfile: unit.compute.name,
        cpuMillis: unit.compute.cpuMillis,
        cpuAttributes: unit.compute.cpuAttributes,
        memoryBytes: unit.compute.memoryBytes,
        storage: unit.compute.storage.map((volume) => ({
          name: volume.name,
          bytes: volume.bytes,
          persistent: volume.persistent,
          storageClass: volume.storageClass,
        })),
        gpu: { units: unit.compute.gpuUnits, choices: unit.compute.gpuChoices },
        endpoints: {
          sharedHttp: unit.endpoints.filter(
            (endpoint) => (endpoint.kind ?? EndpointKind.sharedHttp) === EndpointKind.sharedHttp,
          ).length,
          randomPorts: unit.endpoints.filter((endpoint) => endpoint.kind === EndpointKind.randomPort).length,
          leasedIps: new Set(
            unit.endpoints
              .filter((endpoint) => endpoint.kind === EndpointKind.leasedIp)
              .map((endpoint) => endpoint.sequence_number),
          ).size,
        },
        price: { denom: unit.price.denom, amount: formatDecimalAmount(unit.price.amount) },
      })),
    };
  });
}
