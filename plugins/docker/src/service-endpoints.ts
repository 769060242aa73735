import type { ServiceEndpoint, ServiceOptions } from '@icl/core';

/** Published ports as `docker inspect` reports them (`NetworkSettings.Ports`). */
export type PublishedPorts = Record<string, Array<{ HostIp?: string; HostPort?: string }> | null | undefined>;

/** Where a published port of a service is reached from the caller's machine. */
export interface PublishedEndpoint extends ServiceEndpoint {
  /** The address to connect to. */
  address: string;
  /** The port on that address. */
  hostPort: number;
}

/**
 * Where each port of a service is reached: the daemon picks the host ports, so they are read back
 * from the container. A port bound to every address (`0.0.0.0`) is reached on 127.0.0.1 for a local
 * daemon and on the daemon's host for a remote one.
 */
export function serviceEndpoints(
  service: ServiceOptions,
  published: PublishedPorts | undefined,
  daemonHost: string,
): PublishedEndpoint[] {
  const endpoints: PublishedEndpoint[] = [];
  for (const port of service.ports) {
    const bindings = published?.[`${port}/tcp`] ?? [];
    const binding = bindings.find((candidate) => candidate.HostPort);
    if (!binding?.HostPort) continue;
    const address = reachableAddress(binding.HostIp ?? '', daemonHost);
    const hostPort = Number(binding.HostPort);
    const urlHost = address.includes(':') ? `[${address}]` : address;
    endpoints.push({ port, url: `http://${urlHost}:${hostPort}`, address, hostPort });
  }
  return endpoints;
}

function reachableAddress(hostIp: string, daemonHost: string): string {
  if (hostIp && hostIp !== '0.0.0.0' && hostIp !== '::') return hostIp;
  if (daemonHost.startsWith('unix://') || daemonHost.startsWith('npipe://')) return '127.0.0.1';
  try {
    const hostname = new URL(daemonHost.includes('://') ? daemonHost : `tcp://${daemonHost}`).hostname;
    return hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  } catch {
    return '127.0.0.1';
  }
}
