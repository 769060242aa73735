import { closestName } from '@icl/core';
import type { DeploymentEntryModel, ManifestModel } from './manifest-model';

/**
 * Checks what ties the parts of a manifest together: every deployment names a service, a compute
 * profile, a placement and a price that exist; leased IP endpoints are declared, used, and not shared
 * by two ports; volumes a service mounts exist, and persistent ones are mounted; a confidential GPU
 * service has a GPU.
 *
 * Returns the deployment entries whose parts all exist and were read without a problem: the ones
 * groups can be built from.
 */
export function checkReferences(model: ManifestModel): DeploymentEntryModel[] {
  const buildable: DeploymentEntryModel[] = [];
  for (const entry of model.deployment) {
    let ready = entry.profile !== undefined && entry.count !== undefined;
    const service = model.services.get(entry.service);
    if (service === undefined) {
      if (!model.brokenServices.has(entry.service)) {
        entry.serviceKey.report(
          'service-unknown',
          `deploys \`${entry.service}\`, which \`services\` does not define`,
          suggest(
            entry.service,
            [...model.services.keys()],
            `Define \`services.${entry.service}\`, or deploy one of the services that exist.`,
          ),
        );
      }
      ready = false;
    } else if (!service.complete) ready = false;

    const compute = entry.profile === undefined ? undefined : model.computeProfiles.get(entry.profile);
    if (entry.profile !== undefined && compute === undefined) {
      if (!model.brokenComputeProfiles.has(entry.profile)) {
        entry.profileField?.report(
          'profile-unknown',
          `\`${entry.profile}\` is not a compute profile`,
          suggest(
            entry.profile,
            [...model.computeProfiles.keys()],
            `Define \`profiles.compute.${entry.profile}\`, or name one of the compute profiles that exist.`,
          ),
        );
      }
      ready = false;
    } else if (compute !== undefined && !compute.complete) ready = false;

    const placement = model.placementProfiles.get(entry.placement);
    if (placement === undefined) {
      if (!model.brokenPlacementProfiles.has(entry.placement)) {
        entry.placementKey.report(
          'placement-unknown',
          `\`${entry.placement}\` is not a placement profile`,
          suggest(
            entry.placement,
            [...model.placementProfiles.keys()],
            `Define \`profiles.placement.${entry.placement}\`, or deploy to one of the placements that exist.`,
          ),
        );
      }
      ready = false;
    } else if (entry.profile !== undefined && compute !== undefined) {
      if (!placement.pricing.has(entry.profile)) {
        placement.field.report(
          'pricing-missing',
          `has no price for compute profile \`${entry.profile}\` (deployed by \`${entry.service}\`)`,
          `Add \`pricing.${entry.profile}:\` with ${model.version === '1.0' ? '`token` and `amount`' : '`denom` and `amount`'} to placement \`${entry.placement}\`.`,
        );
        ready = false;
      } else if (placement.pricing.get(entry.profile) === undefined || !placement.complete) ready = false;
    }

    if (service !== undefined && compute !== undefined && compute.complete) {
      checkStorage(entry, service, compute);
    }
    if (service !== undefined && compute !== undefined && compute.complete && service.complete) {
      const tee = service.params?.tee;
      if (tee?.type === 'cpu-gpu' && compute.gpuUnits === 0) {
        tee.field.report(
          'tee-requires-gpu',
          `\`cpu-gpu\` needs a GPU, and compute profile \`${compute.name}\` has none`,
          `Add \`gpu:\` with \`units\` to \`profiles.compute.${compute.name}\`, or use \`tee: cpu\`.`,
        );
        ready = false;
      }
    }
    if (ready) buildable.push(entry);
  }
  checkEndpoints(model);
  return buildable;
}

function checkStorage(
  entry: DeploymentEntryModel,
  service: NonNullable<ReturnType<ManifestModel['services']['get']>>,
  compute: NonNullable<ReturnType<ManifestModel['computeProfiles']['get']>>,
): void {
  const mounts = service.params?.storage ?? [];
  const mountedBy = new Map<string, string>();
  for (const mount of mounts) {
    const volume = compute.storage.find((candidate) => candidate.name === mount.volume);
    if (volume === undefined) {
      mount.field.report(
        'storage-volume-unknown',
        `mounts volume \`${mount.volume}\`, which compute profile \`${compute.name}\` does not have`,
        `Add \`- name: ${mount.volume}\` with a size to \`profiles.compute.${compute.name}.resources.storage\`, or mount one of its volumes.`,
      );
      continue;
    }
    if (mount.mount === undefined) continue;
    const other = mountedBy.get(mount.mount);
    if (other !== undefined) {
      mount.field.report(
        'storage-mount-duplicate',
        `mount \`${mount.mount}\` is already used by volume \`${other}\``,
        'Mount each volume at its own path.',
      );
    }
    mountedBy.set(mount.mount, mount.volume);
    if (volume.storageClass === 'ram' && mount.readOnly) {
      mount.field.report(
        'storage-ram-read-only',
        `volume \`${mount.volume}\` has class \`ram\` and cannot be read-only`,
        'Remove `readOnly: true` (shared memory must be writable).',
      );
    }
  }
  if (!service.complete) return;
  for (const volume of compute.storage) {
    if (volume.persistent && !mounts.some((mount) => mount.volume === volume.name)) {
      volume.field.report(
        'storage-mount-missing',
        `is persistent, but service \`${entry.service}\` does not mount it`,
        `Add \`params: { storage: { ${volume.name}: { mount: /data } } }\` to service \`${entry.service}\`, or make the volume \`persistent: false\`.`,
      );
    }
  }
}

function checkEndpoints(model: ManifestModel): void {
  const used = new Set<string>();
  const ports = new Map<string, string>();
  let allKnown = true;
  const deployed = [...new Set(model.deployment.map((entry) => entry.service))];
  for (const name of deployed) {
    const service = model.services.get(name);
    if (service === undefined || !service.complete) {
      allKnown = false;
      continue;
    }
    for (const expose of service.expose) {
      for (const target of expose.targets) {
        if (target.ip === '') continue;
        const endpoint = model.endpoints.get(target.ip);
        if (endpoint === undefined) {
          target.field.report(
            'endpoint-unknown',
            `names endpoint \`${target.ip}\`, which \`endpoints\` does not declare`,
            suggest(
              target.ip,
              [...model.endpoints.keys()],
              `Declare it at the top level: \`endpoints: { ${target.ip}: { kind: ip } }\`.`,
            ),
          );
          continue;
        }
        used.add(target.ip);
        const port = expose.externalPort || expose.port;
        const key = `${target.ip}\u0000${port}\u0000${expose.protocol}`;
        const other = ports.get(key);
        if (other !== undefined) {
          target.field.report(
            'endpoint-port-conflict',
            `port ${port}/${expose.protocol.toLowerCase()} of endpoint \`${target.ip}\` is already used by service \`${other}\``,
            'Publish on another port (`as:`), or lease another IP endpoint for this service.',
          );
        } else ports.set(key, name);
      }
    }
  }
  if (!allKnown) return;
  for (const endpoint of model.endpoints.values()) {
    if (!used.has(endpoint.name)) {
      endpoint.field.report(
        'endpoint-unused',
        `endpoint \`${endpoint.name}\` is declared but no deployed service uses it`,
        `Use it in an expose target (\`to: [{ global: true, ip: ${endpoint.name} }]\`), or remove it (a leased IP costs money).`,
      );
    }
  }
}

/** `Did you mean …?` when a name is probably a typo of one that exists, else the general fix. */
function suggest(name: string, known: readonly string[], otherwise: string): string {
  const closest = closestName(name, known);
  return closest === undefined
    ? otherwise
    : `Did you mean \`${closest}\`? Otherwise: ${otherwise.charAt(0).toLowerCase()}${otherwise.slice(1)}`;
}
