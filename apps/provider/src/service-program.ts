import type { CommandProgram } from '@icl/core';
import type { ManifestService } from '@icl/manifest';

/** The container ports a service publishes: those exposed globally, once each. */
export function publishedPorts(service: ManifestService): number[] {
  return [...new Set(service.expose.filter((expose) => expose.global).map((expose) => expose.port))].sort(
    (left, right) => left - right,
  );
}

/**
 * The ICL program that runs one replica of a manifest service: its command (the manifest's `command`
 * and `args`, or the image's entrypoint and command where the manifest gives none, as Kubernetes does)
 * as a long-running service whose global ports are published on `publishHost`, ready once the first
 * one accepts connections; or, for `restart_policy: Never`, as a program that runs once.
 */
export function serviceProgram(
  service: ManifestService,
  publishHost: string,
  imageDefaults: { entrypoint: readonly string[]; command: readonly string[] },
): CommandProgram {
  const command = service.command?.length ? service.command : imageDefaults.entrypoint;
  const args = service.args ?? (service.command?.length ? [] : imageDefaults.command);
  const program: CommandProgram = { kind: 'command', name: service.name, command: [...command, ...args] };
  if (runsOnce(service)) return program;
  const ports = publishedPorts(service);
  return { ...program, service: { ports, host: publishHost, readiness: { timeoutMilliseconds: 120_000 } } };
}

/** Whether a service is a program that runs once (`restart_policy: Never`): its replicas are not restarted. */
export function runsOnce(service: ManifestService): boolean {
  return service.restartPolicy === 'Never';
}

/** The manifest's `KEY=value` environment as a map. */
export function serviceEnvironment(service: ManifestService): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const entry of service.env ?? []) {
    const equals = entry.indexOf('=');
    if (equals > 0) environment[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return environment;
}
