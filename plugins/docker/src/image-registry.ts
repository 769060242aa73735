/**
 * The registry an image reference is pulled from, by Docker's rule: the first path component is a
 * registry when it has a dot or a port or is `localhost` (`ghcr.io/org/image`, `localhost:5000/x`);
 * otherwise the image is on Docker Hub (`docker.io`). Named in pull errors so users know where to look.
 */
export function imageRegistry(reference: string): string {
  const slash = reference.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = reference.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/** The reference with the `latest` tag made explicit where none is given, as the daemon resolves it. */
export function withDefaultTag(reference: string): string {
  if (reference.includes('@')) return reference;
  const lastComponent = reference.slice(reference.lastIndexOf('/') + 1);
  return lastComponent.includes(':') ? reference : `${reference}:latest`;
}
