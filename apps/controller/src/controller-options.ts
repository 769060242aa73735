import { hostname } from 'node:os';
import { type Duration, InvalidArgumentError, parseDuration } from '@icl/core';

/**
 * How the controller keeps the data it optimizes over, as Inferno's controller does:
 *
 * - `stateless` (the default): it watches only Optimizers and reads every resource of the namespace from
 *   the API server when an optimization is due, so it holds nothing that can go stale;
 * - `stateful`: it watches all six kinds and keeps them in memory, so an optimization reads no resource,
 *   and a malformed resource is reported as soon as it is written.
 */
export type ControllerMode = 'stateless' | 'stateful';

/** What a controller is told; every field has a default, most can also come from the environment. */
export interface ControllerOptions {
  /** `stateless` or `stateful`; default from `ICL_CONTROLLER_MODE`, or `INFERNO_STATELESS=false`, else stateless. */
  mode?: ControllerMode;
  /** A kubeconfig file; default `KUBECONFIG`, `~/.kube/config`, or the pod's service account. */
  kubeconfig?: string;
  /** The kubeconfig context; default its current context. */
  context?: string;
  /**
   * Watch only this namespace; default `ICL_CONTROLLER_WATCH_NAMESPACE`, else all namespaces. Each
   * Optimizer is solved over the resources of its own namespace either way.
   */
  watchNamespace?: string;
  /**
   * An Inferno-compatible optimizer REST server (`POST <url>/optimizeOne`) to solve with instead of solving
   * in process; default `ICL_OPTIMIZER_URL`, or `http://INFERNO_HOST:INFERNO_PORT` when either is set.
   */
  optimizerUrl?: string;
  /**
   * Optimize every namespace that has an Optimizer this often, besides when one asks (`spec.optimize`),
   * so allocations follow the load; `0` (the default, or `ICL_CONTROLLER_PERIOD`) turns it off.
   */
  period?: Duration;
  /** How often the watched resources are handed to the controller again, to catch up on anything missed; default 10 min. */
  resync?: Duration;
  /**
   * Scale the Deployment serving each Server to its decided allocation (replicas, GPU model node selector,
   * GPU limit, toleration); default `ICL_CONTROLLER_SCALE_DEPLOYMENTS`, else false. A Server's
   * `icl.dev/scale-deployment` annotation (`"true"`/`"false"`) overrides it.
   */
  scaleDeployments?: boolean;
  /** Time limit of the exact solver (Optimizers with `milpSolver: true`); default 10 s. */
  exactTimeLimit?: Duration;
  /** Leader election, so that of several replicas exactly one writes. */
  leaderElection?: LeaderElectionOptions;
  /**
   * The field manager written into `managedFields` of everything the controller changes; default
   * `icl-inferno-controller`. Replicas share it in production; tests give each replica its own.
   */
  fieldManager?: string;
  /** Where log lines go (one JSON object a line); default standard error. */
  log?: (entry: ControllerLogEntry) => void;
}

/** Who may write: the Lease replicas compete for. */
export interface LeaderElectionOptions {
  /** Off only for a single replica (`--leader-elect=false`); default on. */
  enabled?: boolean;
  /** The Lease's namespace; default `POD_NAMESPACE`, else the kubeconfig context's namespace, else `default`. */
  namespace?: string;
  /** The Lease's name; default `icl-inferno-controller`. */
  name?: string;
  /** This replica's name in the Lease; default `POD_NAME`, else host name, process id and a random suffix. */
  identity?: string;
  /** How long a leader's claim lasts without renewal; default 15 s. */
  leaseDuration?: Duration;
  /** A leader that could not renew for this long stops writing; default 10 s (less than the lease duration). */
  renewDeadline?: Duration;
  /** How often candidates try to acquire and the leader renews; default 2 s. */
  retryPeriod?: Duration;
}

/** One log line. */
export interface ControllerLogEntry {
  level: 'info' | 'warning' | 'error';
  message: string;
  [field: string]: unknown;
}

/** Options with every default applied and every duration in milliseconds. */
export interface ControllerSettings {
  mode: ControllerMode;
  kubeconfig: string | undefined;
  context: string | undefined;
  watchNamespace: string | undefined;
  optimizerUrl: string | undefined;
  periodMilliseconds: number;
  resyncMilliseconds: number;
  scaleDeployments: boolean;
  exactTimeLimitMilliseconds: number;
  leaderElection: {
    enabled: boolean;
    namespace: string | undefined;
    name: string;
    identity: string;
    leaseDurationMilliseconds: number;
    renewDeadlineMilliseconds: number;
    retryPeriodMilliseconds: number;
  };
  fieldManager: string;
  log: (entry: ControllerLogEntry) => void;
}

/**
 * Applies defaults and the environment (`ICL_CONTROLLER_*`, and Inferno's `INFERNO_STATELESS`,
 * `INFERNO_HOST`, `INFERNO_PORT`) to the options; explicit options win over the environment.
 *
 * @throws InvalidArgumentError naming the option or variable that is malformed.
 */
export function resolveControllerSettings(
  options: ControllerOptions = {},
  environment: NodeJS.ProcessEnv = process.env,
): ControllerSettings {
  const election = options.leaderElection ?? {};
  const settings: ControllerSettings = {
    mode: options.mode ?? modeFromEnvironment(environment),
    kubeconfig: options.kubeconfig,
    context: options.context,
    watchNamespace: options.watchNamespace ?? (environment.ICL_CONTROLLER_WATCH_NAMESPACE || undefined),
    optimizerUrl: options.optimizerUrl ?? optimizerUrlFromEnvironment(environment),
    periodMilliseconds: optionalDuration(
      options.period ?? environment.ICL_CONTROLLER_PERIOD,
      options.period === undefined ? 'ICL_CONTROLLER_PERIOD' : 'period',
    ),
    resyncMilliseconds: optionalDuration(
      options.resync ?? environment.ICL_CONTROLLER_RESYNC ?? '10min',
      options.resync === undefined ? 'ICL_CONTROLLER_RESYNC' : 'resync',
    ),
    scaleDeployments:
      options.scaleDeployments ??
      booleanFromEnvironment(environment, 'ICL_CONTROLLER_SCALE_DEPLOYMENTS', false),
    exactTimeLimitMilliseconds: parseDuration(options.exactTimeLimit ?? '10s', 'exactTimeLimit'),
    leaderElection: {
      enabled: election.enabled ?? booleanFromEnvironment(environment, 'ICL_CONTROLLER_LEADER_ELECT', true),
      namespace: election.namespace ?? (environment.POD_NAMESPACE || undefined),
      name: election.name ?? 'icl-inferno-controller',
      identity:
        election.identity ??
        (environment.POD_NAME || `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`),
      leaseDurationMilliseconds: parseDuration(election.leaseDuration ?? '15s', 'leaseDuration'),
      renewDeadlineMilliseconds: parseDuration(election.renewDeadline ?? '10s', 'renewDeadline'),
      retryPeriodMilliseconds: parseDuration(election.retryPeriod ?? '2s', 'retryPeriod'),
    },
    fieldManager: options.fieldManager ?? 'icl-inferno-controller',
    log: options.log ?? ((entry) => process.stderr.write(`${JSON.stringify(entry)}\n`)),
  };
  if (settings.mode !== 'stateless' && settings.mode !== 'stateful') {
    throw new InvalidArgumentError({
      argument: 'mode',
      message: `Invalid controller mode "${settings.mode}".`,
      hint: 'Give stateless (read everything when an optimization is due) or stateful (keep every resource in memory).',
    });
  }
  const { leaseDurationMilliseconds, renewDeadlineMilliseconds, retryPeriodMilliseconds } =
    settings.leaderElection;
  if (
    !(
      retryPeriodMilliseconds < renewDeadlineMilliseconds &&
      renewDeadlineMilliseconds < leaseDurationMilliseconds
    )
  ) {
    throw new InvalidArgumentError({
      argument: 'leaderElection',
      message: `Leader election needs retryPeriod < renewDeadline < leaseDuration; got ${retryPeriodMilliseconds} ms, ${renewDeadlineMilliseconds} ms and ${leaseDurationMilliseconds} ms.`,
      hint: 'A leader must give up before its lease can expire, or two replicas could write at once.',
    });
  }
  if (settings.optimizerUrl !== undefined && !/^https?:\/\/[^/]/.test(settings.optimizerUrl)) {
    throw new InvalidArgumentError({
      argument: 'optimizerUrl',
      message: `Invalid optimizer URL "${settings.optimizerUrl}".`,
      hint: 'Give the base URL of an Inferno-compatible optimizer server, like http://optimizer.inferno:8080.',
    });
  }
  return settings;
}

function modeFromEnvironment(environment: NodeJS.ProcessEnv): ControllerMode {
  const mode = environment.ICL_CONTROLLER_MODE;
  if (mode) return mode as ControllerMode;
  return booleanFromEnvironment(environment, 'INFERNO_STATELESS', true) ? 'stateless' : 'stateful';
}

function optimizerUrlFromEnvironment(environment: NodeJS.ProcessEnv): string | undefined {
  if (environment.ICL_OPTIMIZER_URL) return environment.ICL_OPTIMIZER_URL.replace(/\/+$/, '');
  if (environment.INFERNO_HOST || environment.INFERNO_PORT) {
    return `http://${environment.INFERNO_HOST || 'localhost'}:${environment.INFERNO_PORT || '8080'}`;
  }
  return undefined;
}

function booleanFromEnvironment(environment: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = environment[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new InvalidArgumentError({
    argument: name,
    message: `Invalid ${name}="${environment[name]}".`,
    hint: 'Give true or false.',
  });
}

/** A duration where 0 or `off` means never. */
function optionalDuration(value: Duration | undefined, argument: string): number {
  if (value === undefined || value === 0 || value === '0' || value === 'off' || value === '') return 0;
  return parseDuration(value, argument);
}
