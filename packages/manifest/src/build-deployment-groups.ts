import { byKey } from './attribute-key';
import { formatDecimalAmount } from './decimal-amount';
import type { Attribute, Endpoint, GroupSpec, ResourceUnits } from './group-spec';
import { EndpointKind } from './group-spec';
import { insertionSort } from './insertion-sort';
import type {
  ComputeProfileModel,
  DeploymentEntryModel,
  ManifestModel,
  PriceModel,
  ServiceModel,
} from './manifest-model';
import type {
  ImageCredentials,
  ManifestGroup,
  ManifestService,
  ServiceExpose,
  ServiceParams,
} from './provider-manifest';

/** One resource unit of a built group, with what the order needs beyond the group spec. */
export interface BuiltResourceUnit {
  readonly id: number;
  readonly services: string[];
  readonly compute: ComputeProfileModel;
  readonly price: PriceModel;
  count: number;
  endpoints: Endpoint[];
  /** The deployment entries (service in this placement) that make up the unit, for pointing at counts. */
  readonly entries: DeploymentEntryModel[];
}

/** One built group: its placement, units and services, before they are frozen into the outputs. */
export interface BuiltGroup {
  readonly name: string;
  readonly attributes: Attribute[];
  readonly signedBy: { allOf: readonly string[] | null; anyOf: readonly string[] | null };
  readonly units: BuiltResourceUnit[];
  readonly services: ManifestService[];
  teeType: string | undefined;
}

/**
 * Builds the groups of a deployment exactly as the reference parser does: one group per placement in
 * name order; in each, one resource unit per deployed service in service-name order (SDL 2.1 shares one
 * unit between services of the same placement and compute profile, adding their counts and endpoints);
 * the manifest's services sorted by name, each pointing at its unit by id.
 */
export function buildDeploymentGroups(
  model: ManifestModel,
  entries: readonly DeploymentEntryModel[],
): BuiltGroup[] {
  const sequenceNumbers = endpointSequenceNumbers(model);
  const groups = new Map<string, BuiltGroup>();
  const shareUnits = model.version === '2.1';
  for (const entry of entries) {
    const service = model.services.get(entry.service)!;
    const compute = model.computeProfiles.get(entry.profile!)!;
    const placement = model.placementProfiles.get(entry.placement)!;
    const price = placement.pricing.get(entry.profile!)!;
    const count = entry.count!;
    let group = groups.get(entry.placement);
    if (group === undefined) {
      group = {
        name: entry.placement,
        attributes: [...placement.attributes],
        signedBy: placement.signedBy,
        units: [],
        services: [],
        teeType: undefined,
      };
      groups.set(entry.placement, group);
    }
    const tee = service.params?.tee;
    if (tee !== undefined) {
      if (group.teeType !== undefined && group.teeType !== tee.type) {
        tee.field.report(
          'tee-conflict',
          `placement \`${entry.placement}\` already runs a \`${group.teeType}\` TEE service`,
          'Use one TEE type per placement, or deploy this service to another placement.',
        );
      } else if (group.teeType === undefined) {
        group.teeType = tee.type;
        group.attributes.push({ key: 'tee/type', value: tee.type });
        group.attributes.sort(byKey);
      }
    }
    const expose = serviceExposes(service, sequenceNumbers);
    const endpoints = expose.flatMap(exposeEndpoints);
    const shared = shareUnits ? group.units.find((unit) => unit.compute.name === compute.name) : undefined;
    let id: number;
    if (shared !== undefined) {
      id = shared.id;
      shared.count += count;
      shared.endpoints = insertionSort([...shared.endpoints, ...endpoints], bySequenceNumber);
      shared.services.push(service.name);
      shared.entries.push(entry);
    } else {
      id = group.units.length + 1;
      group.units.push({ id, services: [service.name], compute, price, count, endpoints, entries: [entry] });
    }
    group.services.push(
      manifestService(model, service, resourceUnits(id, compute, endpoints), count, expose),
    );
  }
  const sorted = [...groups.values()].sort((left, right) =>
    left.name < right.name ? -1 : left.name > right.name ? 1 : 0,
  );
  for (const group of sorted) insertionSort(group.services, (left, right) => left.name < right.name);
  return sorted;
}

/** The group specs of built groups, in the chain's JSON shape. */
export function groupSpecsOf(groups: readonly BuiltGroup[]): GroupSpec[] {
  return groups.map((group) => ({
    name: group.name,
    requirements: {
      signed_by: { all_of: group.signedBy.allOf, any_of: group.signedBy.anyOf },
      attributes: group.attributes.length === 0 ? null : group.attributes,
    },
    resources: group.units.map((unit) => ({
      resource: resourceUnits(unit.id, unit.compute, unit.endpoints),
      count: unit.count,
      price: { denom: unit.price.denom, amount: formatDecimalAmount(unit.price.amount) },
    })),
  }));
}

/** The provider manifest of built groups. */
export function manifestGroupsOf(groups: readonly BuiltGroup[]): ManifestGroup[] {
  return groups.map((group) => ({ name: group.name, services: group.services }));
}

/**
 * Numbers the leased IP endpoints the way the reference parser does: every target of every deployed
 * service that is not a plain global one contributes its IP name (internal targets contribute an empty
 * name), the names are sorted, numbered from 1, and a name used several times keeps its last number.
 */
function endpointSequenceNumbers(model: ManifestModel): Map<string, number> {
  const names: string[] = [];
  const deployed = [...new Set(model.deployment.map((entry) => entry.service))].sort();
  for (const name of deployed) {
    for (const expose of model.services.get(name)?.expose ?? []) {
      for (const target of expose.targets) {
        if (target.global && target.ip === '') continue;
        names.push(target.ip);
      }
    }
  }
  names.sort();
  const numbers = new Map<string, number>();
  for (const [index, name] of names.entries()) numbers.set(name, index + 1);
  return numbers;
}

function serviceExposes(
  service: ServiceModel,
  sequenceNumbers: ReadonlyMap<string, number>,
): ServiceExpose[] {
  const exposes: ServiceExpose[] = [];
  for (const expose of service.expose) {
    const common = {
      port: expose.port,
      externalPort: expose.externalPort,
      proto: expose.protocol,
      hosts: expose.hosts,
      httpOptions: expose.httpOptions,
      ...(expose.usePublicPort === undefined ? {} : { usePublicPort: expose.usePublicPort }),
    };
    if (expose.targets.length === 0) {
      exposes.push(orderExpose({ ...common, service: '', global: false, ip: '', endpointSequenceNumber: 0 }));
      continue;
    }
    for (const target of expose.targets) {
      exposes.push(
        orderExpose({
          ...common,
          service: target.service,
          global: target.global,
          ip: target.ip,
          endpointSequenceNumber:
            target.global && target.ip !== '' ? (sequenceNumbers.get(target.ip) ?? 0) : 0,
        }),
      );
    }
  }
  return insertionSort(exposes, exposeComesFirst);
}

/** Puts the fields in the order the reference JSON has them, so output files read the same. */
function orderExpose(expose: ServiceExpose): ServiceExpose {
  const {
    port,
    externalPort,
    proto,
    service,
    global,
    hosts,
    httpOptions,
    ip,
    endpointSequenceNumber,
    usePublicPort,
  } = expose;
  return {
    port,
    externalPort,
    proto,
    service,
    global,
    hosts,
    httpOptions,
    ip,
    endpointSequenceNumber,
    ...(usePublicPort === undefined ? {} : { usePublicPort }),
  };
}

function exposeComesFirst(left: ServiceExpose, right: ServiceExpose): boolean {
  if (left.service !== right.service) return left.service < right.service;
  if (left.port !== right.port) return left.port < right.port;
  if (left.proto !== right.proto) return left.proto < right.proto;
  if (left.global !== right.global) return left.global;
  return false;
}

/** The public endpoints one exposed port needs: HTTP ingress or a random port, plus its leased IP. */
function exposeEndpoints(expose: ServiceExpose): Endpoint[] {
  if (!expose.global) return [];
  const endpoints: Endpoint[] = [];
  if (expose.ip !== '')
    endpoints.push({ kind: EndpointKind.leasedIp, sequence_number: expose.endpointSequenceNumber });
  const published = expose.externalPort === 0 ? expose.port : expose.externalPort;
  const ingress = expose.proto === 'TCP' && published === 80;
  endpoints.push(ingress ? { sequence_number: 0 } : { kind: EndpointKind.randomPort, sequence_number: 0 });
  return insertionSort(endpoints, bySequenceNumber);
}

function bySequenceNumber(left: Endpoint, right: Endpoint): boolean {
  return left.sequence_number < right.sequence_number;
}

function resourceUnits(
  id: number,
  compute: ComputeProfileModel,
  endpoints: readonly Endpoint[],
): ResourceUnits {
  return {
    id,
    cpu: {
      units: { val: String(compute.cpuMillis) },
      ...(compute.cpuAttributes.length === 0 ? {} : { attributes: compute.cpuAttributes }),
    },
    memory: { size: { val: String(compute.memoryBytes) } },
    storage: compute.storage.map((volume) => ({
      name: volume.name,
      size: { val: String(volume.bytes) },
      ...(volume.attributes === undefined ? {} : { attributes: volume.attributes }),
    })),
    gpu: {
      units: { val: String(compute.gpuUnits) },
      ...(compute.gpuAttributes.length === 0 ? {} : { attributes: compute.gpuAttributes }),
    },
    endpoints: [...endpoints],
  };
}

function manifestService(
  model: ManifestModel,
  service: ServiceModel,
  resources: ResourceUnits,
  count: number,
  expose: ServiceExpose[],
): ManifestService {
  let params: ServiceParams | undefined;
  if (service.params !== undefined) {
    const storage = [...service.params.storage]
      .sort((left, right) => (left.volume < right.volume ? -1 : left.volume > right.volume ? 1 : 0))
      .map((mount) => ({ name: mount.volume, mount: mount.mount ?? '', readOnly: mount.readOnly }));
    params = {
      storage: storage.length === 0 ? null : storage,
      ...(service.params.permissions === undefined
        ? {}
        : { permissions: { read: service.params.permissions } }),
      ...(service.params.tee === undefined
        ? {}
        : { tee: { type: service.params.tee.type, attestation: true } }),
    };
  }
  let credentials: ImageCredentials | null = null;
  if (service.credentials !== undefined) {
    const { host, email, username, password } = service.credentials;
    // SDL 2.0 passes the values through as written and has no email; later versions trim them.
    credentials =
      model.version === '2.0'
        ? { host, email: '', username, password }
        : { host: host.trim(), email: email.trim(), username: username.trim(), password: password.trim() };
  }
  return {
    name: service.name,
    image: service.image,
    command: service.command,
    args: service.args,
    env: service.env,
    resources,
    count,
    expose,
    ...(params === undefined ? {} : { params }),
    credentials,
    ...(service.pullPolicy === undefined ? {} : { pullPolicy: service.pullPolicy }),
    ...(service.restartPolicy === undefined ? {} : { restartPolicy: service.restartPolicy }),
  };
}
