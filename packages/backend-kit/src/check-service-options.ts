import { InvalidArgumentError, type ServiceOptions } from '@icl/core';

/** What a backend asks of a service beyond valid ports. */
export interface CheckServiceOptionsSettings {
  /**
   * Whether a service must publish at least one port: true where a service is only reachable through
   * its ports (a Kubernetes Service and its port-forward need one).
   */
  portsRequired?: boolean;
}

/**
 * Refuses a service whose ports are not port numbers, or whose readiness check is on a port it does
 * not publish, before anything is created in the remote system: such a run could never become ready.
 *
 * @throws InvalidArgumentError naming `service.ports` or `service.readiness.port`.
 */
export function checkServiceOptions(
  service: ServiceOptions,
  settings: CheckServiceOptionsSettings = {},
): void {
  const ports = service.ports ?? [];
  if (settings.portsRequired && ports.length === 0) {
    throw new InvalidArgumentError({
      argument: 'service.ports',
      message: 'A service needs the port it listens on.',
      hint: 'Give the ports the program listens on, for example --port 8080.',
    });
  }
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new InvalidArgumentError({
        argument: 'service.ports',
        message: `${JSON.stringify(port)} is not a port number.`,
        hint: 'Give the ports the program listens on, between 1 and 65535, for example --port 8080.',
      });
    }
  }
  const readinessPort = service.readiness?.port;
  if (readinessPort !== undefined && !ports.includes(readinessPort)) {
    throw new InvalidArgumentError({
      argument: 'service.readiness.port',
      message: `The readiness port ${readinessPort} is not one of the service's ports (${ports.join(', ') || 'none'}).`,
      hint: 'Check a port the service publishes, or add it to the ports.',
    });
  }
}
