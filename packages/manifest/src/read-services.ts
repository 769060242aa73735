import { isMap } from 'yaml';
import type { ManifestField } from './manifest-field';
import type { ServiceModel, StorageMountModel } from './manifest-model';
import type { PullPolicy, RestartPolicy } from './provider-manifest';
import { readExposeList } from './read-expose';
import { onlyInAkash, onlyInIcl, type ReaderSettings } from './reader-settings';

/** Service names are DNS labels: they become host names inside the deployment. */
export const serviceNamePattern = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const environmentNamePattern = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const pullPolicies: readonly PullPolicy[] = ['Always', 'IfNotPresent', 'Never'];
const restartPolicies: readonly RestartPolicy[] = ['Always', 'Never'];
const teeTypes = ['cpu', 'cpu-gpu'];
const permissionValues = ['deployment', 'logs', 'events'];

/** Reads the top-level `services` mapping. */
export function readServices(
  field: ManifestField,
  settings: ReaderSettings,
): { services: Map<string, ServiceModel>; broken: Set<string> } {
  const services = new Map<string, ServiceModel>();
  const broken = new Set<string>();
  const entries = field.namedEntries(
    'a mapping of service names to services',
    'Write `services:` followed by indented `<name>: { image: ... }` entries.',
  );
  for (const entry of entries ?? []) {
    if (!serviceNamePattern.test(entry.name)) {
      entry.key.report(
        'service-name',
        `\`${entry.name}\` is not a valid service name`,
        'Use lowercase letters, digits and `-`, starting with a letter and not ending with `-` (it becomes a host name).',
      );
    }
    const service = readService(entry.name, entry.value, settings);
    if (service === undefined || !service.complete || !serviceNamePattern.test(entry.name))
      broken.add(entry.name);
    if (service !== undefined) services.set(entry.name, service);
  }
  return { services, broken };
}

/**
 * How to say what a docker-compose field left in a manifest means: compose files are where most
 * manifests start, and the closest-name guess (`environment` → `env`) is not always the way.
 */
function composeFieldHints(icl: boolean): Record<string, string> {
  return {
    environment:
      "docker-compose's `environment` is `env` here, a list of `NAME=value` items: `env: [MODE=prod]`.",
    volumes:
      "docker-compose's `volumes` are storage here: declare a named volume under the compute profile's `storage` and mount it with `params: { storage: { <volume>: { mount: /data } } }`.",
    restart: icl
      ? "docker-compose's `restart` is `restart_policy: Always` (the default) or `Never` here."
      : 'Services on Akash are always restarted when they end; remove `restart` (ICL deploy.yaml, version "1.0", has `restart_policy: Never` for a program that runs once).',
    ports:
      "docker-compose's `ports` are `expose` entries here: `expose: [{ port: 80, as: 80, to: [{ global: true }] }]`.",
    entrypoint: "docker-compose's `entrypoint` is `command` here, a list: `command: [python, serve.py]`.",
    container_name: "A service's name is its key under `services:`; remove `container_name`.",
  };
}

function readService(name: string, field: ManifestField, settings: ReaderSettings): ServiceModel | undefined {
  const icl = settings.dialect === 'icl';
  const known = ['image', 'command', 'args', 'env', 'expose', 'dependencies', 'params', 'credentials'];
  const entries = field.mapping({
    what: 'a service',
    known: icl ? [...known, 'pull_policy', 'restart_policy'] : known,
    required: ['image'],
    // docker-compose's `depends_on` is accepted and ignored, as the reference parser does.
    ignored: ['depends_on'],
    misplaced: {
      ...composeFieldHints(icl),
      ...(icl ? {} : { pull_policy: onlyInIcl('pull_policy'), restart_policy: onlyInIcl('restart_policy') }),
    },
  });
  if (entries === undefined) return undefined;
  let complete = true;
  const image =
    entries.get('image')?.string('Name the container image, for example `image: nginx:1.27`.') ?? '';
  if (image === '') complete = false;

  const list = (key: string): string[] | null => {
    const entry = entries.get(key);
    if (entry === undefined || entry.isNull) return null;
    const values = entry.stringList(`Write \`${key}:\` as a list of text values, one \`- item\` per line.`);
    if (values === undefined) complete = false;
    return values ?? null;
  };
  const command = list('command');
  const args = list('args');
  const env = readEnvironment(entries.get('env'));
  if (env === undefined) complete = false;

  const exposeField = entries.get('expose');
  const expose = exposeField === undefined ? [] : readExposeList(exposeField, settings);
  if (expose === undefined) complete = false;

  const dependencies = entries.get('dependencies');
  if (dependencies !== undefined && !dependencies.isNull) {
    const items = dependencies.sequence(
      'a list of `- service: <name>`',
      'Write `dependencies:` as `- service: <name>` entries.',
    );
    for (const item of items ?? []) {
      const dependency = item.mapping({ what: 'a dependency', known: ['service'] });
      if (dependency?.get('service')?.string('Name the service: `service: <name>`.') === undefined)
        complete = false;
    }
    if (items === undefined) complete = false;
  }

  const paramsField = entries.get('params');
  const read = paramsField === undefined || paramsField.isNull ? null : readParams(paramsField, settings);
  if (read === undefined || (read !== null && !read.valid)) complete = false;
  const params =
    read === null || read === undefined
      ? undefined
      : { storage: read.storage, permissions: read.permissions, tee: read.tee };

  const credentialsField = entries.get('credentials');
  const credentials =
    credentialsField === undefined || credentialsField.isNull
      ? null
      : readCredentials(credentialsField, settings);
  if (credentials === undefined) complete = false;

  let pullPolicy: PullPolicy | undefined;
  const pullField = entries.get('pull_policy');
  if (pullField !== undefined) {
    const hint = 'Write `pull_policy: Always`, `IfNotPresent` or `Never`.';
    const value = pullField.string(hint);
    if (value !== undefined && !pullPolicies.includes(value as PullPolicy)) {
      pullField.report('pull-policy', `\`${value}\` is not a pull policy`, hint);
      complete = false;
    } else if (value === undefined) complete = false;
    else pullPolicy = value as PullPolicy;
  }

  let restartPolicy: RestartPolicy | undefined;
  const restartField = entries.get('restart_policy');
  if (restartField !== undefined) {
    const hint =
      'Write `restart_policy: Always` (a service, restarted when it ends) or `Never` (a program that runs once).';
    const value = restartField.string(hint);
    if (value !== undefined && !restartPolicies.includes(value as RestartPolicy)) {
      restartField.report('restart-policy', `\`${value}\` is not a restart policy`, hint);
      complete = false;
    } else if (value === undefined) complete = false;
    else restartPolicy = value as RestartPolicy;
  }

  return {
    name,
    field,
    image,
    command,
    args,
    env: env ?? null,
    expose: expose ?? [],
    params,
    credentials: credentials ?? undefined,
    pullPolicy,
    restartPolicy,
    complete,
  };
}

function readEnvironment(field: ManifestField | undefined): string[] | null | undefined {
  if (field === undefined || field.isNull) return null;
  const hint =
    'Write each variable as `- NAME=value`; names use letters, digits, `_`, `-` and `.`, not starting with a digit.';
  const items = field.sequence('a list of `NAME=value` entries', hint);
  if (items === undefined) return undefined;
  const values: string[] = [];
  let valid = true;
  for (const item of items) {
    const text = item.string(hint, { allowEmpty: true });
    if (text === undefined) {
      valid = false;
      continue;
    }
    const variableName = text.split('=', 1)[0] ?? '';
    if (!environmentNamePattern.test(variableName)) {
      // The value is left out of the message: environment values are often secrets.
      item.report('env-name', `\`${variableName}\` is not a valid environment variable name`, hint);
      valid = false;
    }
    values.push(text);
  }
  return valid ? values : undefined;
}

type ParamsModel = NonNullable<ServiceModel['params']>;

function readParams(
  field: ManifestField,
  settings: ReaderSettings,
): (ParamsModel & { readonly valid: boolean }) | undefined {
  const icl = settings.dialect === 'icl';
  const entries = field.mapping({
    what: 'params',
    known: icl ? ['storage'] : ['storage', 'permissions', 'tee'],
    misplaced: icl ? { permissions: onlyInAkash('permissions'), tee: onlyInAkash('tee') } : {},
  });
  if (entries === undefined) return undefined;
  let valid = true;
  const storage: StorageMountModel[] = [];
  const storageField = entries.get('storage');
  if (storageField !== undefined && !storageField.isNull) {
    const volumes = storageField.namedEntries(
      'a mapping of volume names to mounts',
      'Write `storage:` followed by `<volume name>: { mount: /path }` entries.',
    );
    if (volumes === undefined) valid = false;
    for (const volume of volumes ?? []) {
      const mountHint = `Give the absolute path where \`${volume.name}\` is mounted, for example \`mount: /data\`.`;
      let mount: string | undefined;
      let readOnly = false;
      if (volume.value.isNull) {
        volume.value.report('storage-mount-path', 'has no mount path', mountHint);
      } else {
        const mountEntries = volume.value.mapping({
          what: 'a volume mount',
          known: ['mount', 'readOnly'],
          required: ['mount'],
        });
        const mountField = mountEntries?.get('mount');
        const text = mountField?.string(mountHint);
        if (mountField !== undefined && text !== undefined && !text.startsWith('/')) {
          mountField.report('storage-mount-path', `\`${text}\` is not an absolute path`, mountHint);
        } else mount = text;
        const readOnlyField = mountEntries?.get('readOnly');
        if (readOnlyField !== undefined) {
          const value = readOnlyField.boolean('Write `readOnly: true` or `readOnly: false`.');
          if (value === undefined) valid = false;
          else readOnly = value;
        }
      }
      if (mount === undefined) valid = false;
      // Kept even without a valid mount, so a reference to a missing volume is reported too.
      storage.push({ field: volume.value, volume: volume.name, mount, readOnly });
    }
  }
  let permissions: string[] | undefined;
  const permissionsField = entries.get('permissions');
  if (permissionsField !== undefined && !permissionsField.isNull) {
    const hint = 'Write `permissions: { read: [logs] }`; `read` may list `deployment`, `logs` and `events`.';
    const permissionEntries = permissionsField.mapping({ what: 'permissions', known: ['read'] });
    const readField = permissionEntries?.get('read');
    const values = readField === undefined || readField.isNull ? [] : readField.stringList(hint);
    const unknown = values?.filter((value) => !permissionValues.includes(value)) ?? [];
    if (permissionEntries === undefined || values === undefined) valid = false;
    else if (unknown.length > 0) {
      readField?.report(
        'permissions',
        `cannot grant ${unknown.map((value) => `\`${value}\``).join(', ')}`,
        hint,
      );
      valid = false;
    } else permissions = values;
  }
  let tee: ParamsModel['tee'];
  const teeField = entries.get('tee');
  if (teeField !== undefined) {
    const hint = 'Write `tee: cpu` (confidential CPU) or `tee: cpu-gpu` (confidential CPU and GPU).';
    const value = teeField.string(hint);
    if (value === undefined) valid = false;
    else if (!teeTypes.includes(value)) {
      teeField.report('tee-type', `\`${value}\` is not a TEE type`, hint);
      valid = false;
    } else tee = { type: value, field: teeField };
  }
  return { storage, permissions, tee, valid };
}

function readCredentials(
  field: ManifestField,
  settings: ReaderSettings,
): ServiceModel['credentials'] | undefined {
  const icl = settings.dialect === 'icl';
  const entries = field.mapping({
    what: 'registry credentials',
    known: icl
      ? ['registry', 'host', 'email', 'username', 'password']
      : ['host', 'email', 'username', 'password'],
    misplaced: icl ? {} : { registry: 'Akash SDL names the registry `host`: rename `registry` to `host`.' },
    renamed: icl ? {} : { registry: 'host' },
  });
  if (entries === undefined) return undefined;
  let valid = true;
  const hostKey = icl && entries.has('registry') ? 'registry' : 'host';
  if (icl && entries.has('registry') && entries.has('host')) {
    entries
      .get('host')
      ?.report(
        'credentials-incomplete',
        'repeats `registry`',
        'Keep one of `registry` and `host` (they mean the same).',
      );
    valid = false;
  }
  // Credential values are never echoed in messages: they are secrets.
  const text = (key: string, required: boolean, minimum: number): string => {
    const entry = entries.get(key);
    const hint =
      key === hostKey
        ? `Name the registry, for example \`${hostKey}: ghcr.io\` (\`docker.io\` for Docker Hub).`
        : `Give the registry ${key}${minimum > 1 ? ` (at least ${minimum} characters)` : ''}.`;
    if (entry === undefined || entry.isNull) {
      if (required) {
        field
          .child(key, null, field.node)
          .report('credentials-incomplete', 'is missing', `Add \`${key}:\`. ${hint}`);
        valid = false;
      }
      return '';
    }
    const node = entry.node;
    const value = node !== null && 'value' in node && typeof node.value === 'string' ? node.value : undefined;
    if (value === undefined) {
      entry.report('field-type', 'must be text', `${hint} Quote it if it looks like a number.`);
      valid = false;
      return '';
    }
    if (required && value.trim() === '') {
      entry.report('credentials-incomplete', 'is empty', hint);
      valid = false;
    } else if (value.length < minimum && value !== '') {
      entry.report('credentials-length', `is shorter than ${minimum} characters`, hint);
      valid = false;
    }
    return value;
  };
  // An Akash file that wrote `registry` was told to rename it; do not also report `host` missing.
  const wroteRegistry = !icl && isMap(field.node) && field.node.has('registry');
  const host = text(hostKey, !wroteRegistry, 1);
  const email = text('email', false, 5);
  const username = text('username', true, 1);
  // Akash's schema asks for 6 characters, but its reference parser and own test corpus
  // (`v2.1-credentials.yaml`) accept shorter passwords: the parser wins.
  const password = text('password', true, 1);
  return valid ? { host, email, username, password } : undefined;
}
