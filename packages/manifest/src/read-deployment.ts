import type { ManifestField } from './manifest-field';
import type { DeploymentEntryModel } from './manifest-model';

const uint32Maximum = 4_294_967_295;

/** Reads `deployment`: for each service, the placements it runs in, with a compute profile and count. */
export function readDeployment(field: ManifestField): DeploymentEntryModel[] {
  const deployment: DeploymentEntryModel[] = [];
  const services = field.namedEntries(
    'a mapping of service names to placements',
    'Write `deployment:` followed by `<service>: { <placement>: { profile: <compute profile>, count: 1 } }`.',
  );
  for (const service of services ?? []) {
    const placements = service.value.namedEntries(
      'a mapping of placement names to a profile and count',
      `Write \`${service.name}:\` followed by \`<placement>: { profile: <compute profile>, count: 1 }\`.`,
    );
    for (const placement of placements ?? []) {
      const entries = placement.value.mapping({
        what: 'a deployment entry',
        known: ['profile', 'count'],
        required: ['profile', 'count'],
      });
      const profileField = entries?.get('profile');
      const countField = entries?.get('count');
      const profile = profileField?.string('Name a compute profile from `profiles.compute`.');
      const count = countField?.integer({
        minimum: 1,
        maximum: uint32Maximum,
        rule: 'count-range',
        hint: 'Run at least one replica: `count: 1`.',
      });
      deployment.push({
        service: service.name,
        placement: placement.name,
        serviceKey: service.key,
        placementKey: placement.key,
        field: placement.value,
        profile,
        profileField,
        count,
        countField,
      });
    }
  }
  // The reference parser walks services, then placements, in name order; so do group building and checks.
  return deployment.sort(
    (left, right) => compare(left.service, right.service) || compare(left.placement, right.placement),
  );
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
