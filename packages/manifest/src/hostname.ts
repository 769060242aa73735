const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const subdomain = new RegExp(`^${label}(\\.${label})*$`);

/** Whether `name` is a valid DNS subdomain (RFC 1123, lowercase, at most 253 characters). */
export function isValidHostname(name: string): boolean {
  return name.length <= 253 && subdomain.test(name);
}
