/**
 * What is wrong with a manifest group as a provider receives it over the wire (JSON a tenant sent), or
 * undefined when it has the shape `ProviderManifest` describes: the provider checks it before it
 * touches anything, so a wrong type, an empty image, a port out of range or a `null` service is a 400
 * naming the field, never a crash or a half-replaced deployment. The first problem is returned as
 * `<path>: <what>` (`services[0].expose[1].port: must be a port from 1 to 65535, not 99999`).
 */
export function manifestGroupProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'group: must be a JSON object';
  if (typeof value.name !== 'string') return 'group.name: must be a string';
  if (!Array.isArray(value.services) || value.services.length === 0)
    return 'group.services: must be a list of at least one service';
  const names = new Set<string>();
  for (let index = 0; index < value.services.length; index += 1) {
    const problem = serviceProblem(value.services[index]);
    if (problem) return `services[${index}]${problem}`;
    const name = (value.services[index] as { name: string }).name;
    if (names.has(name)) return `services[${index}].name: repeats the service ${name}`;
    names.add(name);
  }
  return undefined;
}

const serviceName = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const environmentName = /^[A-Za-z_][A-Za-z0-9_]*=/;

function serviceProblem(service: unknown): string | undefined {
  if (!isObject(service)) return `: must be a JSON object, not ${describe(service)}`;
  if (typeof service.name !== 'string' || !serviceName.test(service.name))
    return `.name: must be a lower-case DNS label (web, api-1), not ${describe(service.name)}`;
  if (typeof service.image !== 'string' || service.image.trim() === '' || /\s/.test(service.image))
    return `.image: must be an image reference (nginx:1.27), not ${describe(service.image)}`;
  for (const list of ['command', 'args'] as const)
    if (service[list] !== null && service[list] !== undefined && !isStringList(service[list]))
      return `.${list}: must be a list of strings or null, not ${describe(service[list])}`;
  if (service.env !== null && service.env !== undefined) {
    if (!Array.isArray(service.env)) return `.env: must be a list of NAME=value strings or null`;
    const entry = service.env.findIndex((item) => typeof item !== 'string' || !environmentName.test(item));
    if (entry !== -1)
      return `.env[${entry}]: must be a NAME=value string, not ${describe(service.env[entry])}`;
  }
  if (!isObject(service.resources) || !Number.isSafeInteger(service.resources.id))
    return '.resources: must be the resource unit of the order the service runs in (with its id)';
  if (
    !Number.isSafeInteger(service.count) ||
    (service.count as number) < 1 ||
    (service.count as number) > 1000
  )
    return `.count: must be a whole number from 1 to 1000, not ${describe(service.count)}`;
  if (!Array.isArray(service.expose)) return '.expose: must be a list';
  for (let index = 0; index < service.expose.length; index += 1) {
    const problem = exposeProblem(service.expose[index]);
    if (problem) return `.expose[${index}]${problem}`;
  }
  if (service.credentials !== null && service.credentials !== undefined) {
    const credentials = service.credentials;
    if (
      !isObject(credentials) ||
      !['host', 'username', 'password'].every((key) => typeof credentials[key] === 'string')
    )
      return '.credentials: must be null or { host, email, username, password } strings';
  }
  if (
    service.pullPolicy !== undefined &&
    !['Always', 'IfNotPresent', 'Never'].includes(service.pullPolicy as string)
  )
    return `.pullPolicy: must be Always, IfNotPresent or Never, not ${describe(service.pullPolicy)}`;
  if (service.restartPolicy !== undefined && !['Always', 'Never'].includes(service.restartPolicy as string))
    return `.restartPolicy: must be Always or Never, not ${describe(service.restartPolicy)}`;
  return undefined;
}

function exposeProblem(expose: unknown): string | undefined {
  if (!isObject(expose)) return `: must be a JSON object, not ${describe(expose)}`;
  if (!isPort(expose.port, 1)) return `.port: must be a port from 1 to 65535, not ${describe(expose.port)}`;
  if (!isPort(expose.externalPort, 0))
    return `.externalPort: must be a port from 0 to 65535, not ${describe(expose.externalPort)}`;
  if (expose.proto !== 'TCP' && expose.proto !== 'UDP')
    return `.proto: must be TCP or UDP, not ${describe(expose.proto)}`;
  if (typeof expose.global !== 'boolean')
    return `.global: must be true or false, not ${describe(expose.global)}`;
  if (typeof expose.service !== 'string')
    return `.service: must be a string, not ${describe(expose.service)}`;
  if (expose.hosts !== null && expose.hosts !== undefined && !isStringList(expose.hosts))
    return '.hosts: must be a list of host names or null';
  return undefined;
}

function isPort(value: unknown, minimum: number): boolean {
  return Number.isSafeInteger(value) && (value as number) >= minimum && (value as number) <= 65535;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
