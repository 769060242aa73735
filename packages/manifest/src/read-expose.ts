import { isValidHostname } from './hostname';
import { readHttpOptions } from './http-options';
import type { ManifestField } from './manifest-field';
import type { ExposeModel, ExposeTargetModel } from './manifest-model';
import { onlyInAkash, onlyInIcl, type ReaderSettings } from './reader-settings';

const portHint = 'Use a port between 1 and 65535; to publish the container port on another one, set `as`.';
const fizzPortHint =
  'Fizz nodes have no HTTP ingress: publish on another port (for example `as: 8080`), or set `mode: provider`.';

/** Reads a service's `expose` list. Returns `undefined` when any entry had a problem. */
export function readExposeList(field: ManifestField, settings: ReaderSettings): ExposeModel[] | undefined {
  if (field.isNull) return [];
  const items = field.sequence('a list of ports', 'Write `expose:` followed by `- port: 80` entries.');
  if (items === undefined) return undefined;
  const exposes: ExposeModel[] = [];
  let valid = true;
  for (const item of items) {
    const read = readExpose(item, settings);
    if (read === undefined) valid = false;
    else exposes.push(...read);
  }
  return valid ? exposes : undefined;
}

function readExpose(field: ManifestField, settings: ReaderSettings): ExposeModel[] | undefined {
  const icl = settings.dialect === 'icl';
  const known = ['port', 'as', 'proto', 'to', 'accept', 'http_options'];
  const entries = field.mapping({
    what: 'an expose entry',
    known: icl ? [...known, 'port_range', 'port_range_as', 'use_public_port'] : known,
    required: icl ? [] : ['port'],
    misplaced: icl
      ? {}
      : {
          port_range: onlyInIcl('port_range'),
          port_range_as: onlyInIcl('port_range_as'),
          use_public_port: onlyInIcl('use_public_port'),
        },
  });
  if (entries === undefined) return undefined;
  let valid = true;
  const portField = entries.get('port');
  const rangeField = entries.get('port_range');
  if (icl && portField === undefined && rangeField === undefined) {
    field.report(
      'required-field',
      'an expose entry needs `port` or `port_range`',
      'Add `port: <container port>` (or, in fizz mode, `port_range: 8000-8010`).',
    );
    valid = false;
  }
  const port = portField?.integer({ minimum: 1, maximum: 65535, rule: 'port-range', hint: portHint });
  if (portField !== undefined && port === undefined) valid = false;
  const asField = entries.get('as');
  const externalPort =
    asField?.integer({ minimum: 1, maximum: 65535, rule: 'port-range', hint: portHint }) ?? 0;
  if (asField !== undefined && externalPort === 0) valid = false;

  let protocol: 'TCP' | 'UDP' = 'TCP';
  const protoField = entries.get('proto');
  if (protoField !== undefined) {
    const hint = 'Write `proto: tcp` or `proto: udp` (HTTP travels over tcp).';
    const text = protoField.string(hint);
    if (text === undefined) valid = false;
    else if (!['tcp', 'TCP', 'udp', 'UDP'].includes(text)) {
      protoField.report('protocol', `\`${text}\` is not a protocol`, hint);
      valid = false;
    } else protocol = text.toUpperCase() as 'TCP' | 'UDP';
  }

  let hosts: string[] | null = null;
  const hostFields: ManifestField[] = [];
  const acceptField = entries.get('accept');
  if (acceptField !== undefined && !acceptField.isNull) {
    const hint = 'List host names such as `www.example.com` (lowercase letters, digits, `-` and `.`).';
    const items = acceptField.sequence('a list of host names', hint);
    if (items === undefined) valid = false;
    else {
      hosts = [];
      for (const item of items) {
        const host = item.string(hint);
        if (host === undefined) valid = false;
        else if (!isValidHostname(host)) {
          item.report('accept-hostname', `\`${host}\` is not a valid host name`, hint);
          valid = false;
        } else {
          hosts.push(host);
          hostFields.push(item);
        }
      }
    }
  }

  const optionsField = entries.get('http_options');
  const httpOptions =
    optionsField === undefined
      ? readHttpOptions(field.child('http_options', null))
      : readHttpOptions(optionsField);
  if (httpOptions === undefined) valid = false;

  const targets: ExposeTargetModel[] = [];
  const toField = entries.get('to');
  if (toField !== undefined && !toField.isNull) {
    const items = toField.sequence(
      'a list of who may connect',
      'Write `to:` followed by `- global: true` (the internet) or `- service: <name>`.',
    );
    if (items === undefined) valid = false;
    else
      for (const item of items) {
        const target = readTarget(item, settings);
        if (target === undefined) valid = false;
        else targets.push(target);
      }
  }

  let usePublicPort: boolean | undefined;
  const publicField = entries.get('use_public_port');
  if (publicField !== undefined) {
    usePublicPort = publicField.boolean('Write `use_public_port: true` or `false`.');
    if (usePublicPort === undefined) valid = false;
  }

  const ports: Array<{ port: number; externalPort: number }> = [];
  if (port !== undefined) ports.push({ port, externalPort });
  if (rangeField !== undefined) {
    const range = readPortRange(rangeField, entries.get('port_range_as'), settings);
    if (range === undefined) valid = false;
    else ports.push(...range);
  } else if (entries.has('port_range_as')) {
    entries
      .get('port_range_as')
      ?.report(
        'port-range-format',
        'needs `port_range`',
        'Add `port_range:` with the container ports, or remove `port_range_as`.',
      );
    valid = false;
  }

  if (settings.mode === 'fizz' && targets.some((target) => target.global)) {
    for (const { port: containerPort, externalPort: published } of ports) {
      const effective = published || containerPort;
      if (effective === 80 || effective === 443) {
        (asField ?? portField ?? field).report(
          'fizz-port',
          `publishes port ${effective}, which fizz nodes do not serve`,
          fizzPortHint,
        );
        valid = false;
      }
    }
  }

  if (!valid || httpOptions === undefined) return undefined;
  return ports.map(({ port: containerPort, externalPort: published }) => ({
    field,
    port: containerPort,
    externalPort: published,
    protocol,
    hosts,
    hostFields,
    httpOptions,
    targets,
    usePublicPort,
  }));
}

function readTarget(field: ManifestField, settings: ReaderSettings): ExposeTargetModel | undefined {
  const icl = settings.dialect === 'icl';
  const entries = field.mapping({
    what: 'an expose target',
    known: icl ? ['global', 'service'] : ['global', 'service', 'ip'],
    misplaced: {
      ...(icl ? { ip: onlyInAkash('ip') } : {}),
      http_options: 'Move `http_options` up one level, next to `port`.',
    },
  });
  if (entries === undefined) return undefined;
  let valid = true;
  let global = false;
  const globalField = entries.get('global');
  if (globalField !== undefined) {
    const value = globalField.boolean('Write `global: true` to accept connections from the internet.');
    if (value === undefined) valid = false;
    else global = value;
  }
  let service = '';
  const serviceField = entries.get('service');
  if (serviceField !== undefined) {
    const value = serviceField.string('Name the service allowed to connect: `service: <name>`.');
    if (value === undefined) valid = false;
    else service = value;
  }
  let ip = '';
  const ipField = entries.get('ip');
  if (ipField !== undefined) {
    const value = ipField.string('Name an endpoint declared under top-level `endpoints:` (kind: ip).');
    if (value === undefined) valid = false;
    else ip = value;
  }
  if (valid && ip !== '' && !global) {
    (globalField ?? field).report(
      'ip-requires-global',
      'a leased IP endpoint is only reachable from the internet',
      'Add `global: true` to this target, or remove `ip`.',
    );
    valid = false;
  }
  // A target that names no one (`{ global: false }`) is allowed, as in Akash's parser and Spheron's own
  // examples; a deployment that no one on the internet can reach is reported once, by
  // `global-service-required`.
  return valid ? { field, service, global, ip } : undefined;
}

const rangeFormat = /^(\d+)-(\d+)$/;

function readPortRange(
  rangeField: ManifestField,
  asField: ManifestField | undefined,
  settings: ReaderSettings,
): Array<{ port: number; externalPort: number }> | undefined {
  const hint =
    'Write the range as `first-last`, for example `port_range: 8443-8445`, with ports from 1 to 65535.';
  if (settings.mode !== 'fizz') {
    rangeField.report(
      'port-range-mode',
      'port ranges are only served by fizz nodes',
      'Set `profiles.mode: fizz`, or expose single ports with `port:`.',
    );
    return undefined;
  }
  const parse = (field: ManifestField): [number, number] | undefined => {
    const text = field.string(hint);
    if (text === undefined) return undefined;
    const match = rangeFormat.exec(text.trim());
    const first = Number(match?.[1]);
    const last = Number(match?.[2]);
    if (!match || first < 1 || last > 65535 || first > last) {
      field.report('port-range-format', `\`${text}\` is not a port range`, hint);
      return undefined;
    }
    return [first, last];
  };
  const range = parse(rangeField);
  const published = asField === undefined ? undefined : parse(asField);
  if (range === undefined || (asField !== undefined && published === undefined)) return undefined;
  if (published !== undefined && published[1] - published[0] !== range[1] - range[0]) {
    asField?.report(
      'port-range-format',
      `has ${published[1] - published[0] + 1} ports but \`port_range\` has ${range[1] - range[0] + 1}`,
      'Give `port_range_as` as many ports as `port_range`.',
    );
    return undefined;
  }
  const ports: Array<{ port: number; externalPort: number }> = [];
  for (let offset = 0; offset <= range[1] - range[0]; offset++) {
    ports.push({
      port: range[0] + offset,
      externalPort: published === undefined ? 0 : published[0] + offset,
    });
  }
  return ports;
}
