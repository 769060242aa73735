import { checkBackendSettings, type SettingKind, settingKinds } from '@icl/backend-kit';
import { InvalidArgumentError } from '@icl/core';

/**
 * Settings of the SSH backend, from code or from an infrastructure in the settings file. Connection
 * details not given here come from `~/.ssh/config` (`HostName`, `User`, `Port`, `IdentityFile`), as
 * `ssh` would use them; keys come from the identity files or the SSH agent, never a password.
 */
export type SshBackendSettings = {
  /**
   * The host: a `~/.ssh/config` alias (`gpu-box`), a name or address, optionally with a user and port
   * (`me@10.0.0.5:2222`). `--on ssh:gpu-box` sets it.
   */
  host?: string;
  /** A fleet of hosts in the same forms; a run goes to the first that fits it (GPUs free). */
  hosts?: string[];
  /** What follows `ssh:` in `--on ssh:<host>`: the host, when `host` and `hosts` are not set. */
  target?: string;
  /** The login user. Default: `~/.ssh/config`'s `User`, else the local user name. */
  user?: string;
  /** The port. Default: `~/.ssh/config`'s `Port`, else 22. */
  port?: number;
  /** A private key file (OpenSSH format). Default: `~/.ssh/config`'s, else the agent, else `~/.ssh/id_*`. */
  identityFile?: string;
  /** The known_hosts file host keys are checked against. Default `~/.ssh/known_hosts`. */
  knownHostsFile?: string;
  /**
   * Accept the key of a host not yet in known_hosts and record it there (as OpenSSH's
   * `StrictHostKeyChecking=accept-new`). A changed key is refused whatever this says. Default false.
   */
  acceptNewHostKeys?: boolean;
  /** The OpenSSH client configuration read for aliases. Default `~/.ssh/config`. */
  sshConfigFile?: string;
  /** The Python the host runs programs with (and builds venvs from). Default `python3`. */
  python?: string;
  /** Where ICL keeps runs and runtimes on each host, relative to the login's home. Default `.icl`. */
  hostDirectory?: string;
  /** Seconds a cancelled program gets between SIGTERM and SIGKILL. Default 5. */
  graceSeconds?: number;
  /** Seconds to wait for a host to answer before giving up. Default 10. */
  connectTimeoutSeconds?: number;
  /**
   * Seconds a host's inventory (CPUs, memory, disk, GPUs) is reused before it is read again; `icl infra
   * ls --refresh` reads it now. Default 300.
   */
  inventoryMaximumAgeSeconds?: number;
  /**
   * Days a file in a host's file cache (`~/.icl/files`) is kept after the last run that used it; the
   * cache is pruned at most once a day per host. Default 14.
   */
  fileCacheDays?: number;
  /** Where run records and logs are kept on this machine; overrides the host's choice. */
  stateDirectory?: string;
  /** Where caches are kept on this machine; overrides the host's choice. */
  cacheDirectory?: string;
};

/** The kind of each setting, for `checkBackendSettings`; backends that run over SSH (maas) take them too. */
export const sshSettingKinds: Readonly<Record<keyof SshBackendSettings, SettingKind>> = {
  host: settingKinds.string,
  hosts: settingKinds.stringList,
  target: settingKinds.string,
  user: settingKinds.string,
  port: settingKinds.number,
  identityFile: settingKinds.string,
  knownHostsFile: settingKinds.string,
  acceptNewHostKeys: settingKinds.boolean,
  sshConfigFile: settingKinds.string,
  python: settingKinds.string,
  hostDirectory: settingKinds.string,
  graceSeconds: settingKinds.number,
  connectTimeoutSeconds: settingKinds.number,
  inventoryMaximumAgeSeconds: settingKinds.number,
  fileCacheDays: settingKinds.number,
  stateDirectory: settingKinds.string,
  cacheDirectory: settingKinds.string,
};

/**
 * Checks settings that may come from a YAML file, so a typo or a wrong type is reported by name
 * instead of being ignored, and that at least one host is named.
 *
 * @throws InvalidArgumentError naming the setting and what it takes.
 */
export function checkSshBackendSettings(settings: Record<string, unknown>): SshBackendSettings {
  checkBackendSettings<SshBackendSettings>(settings, sshSettingKinds, 'ssh backend');
  const checked = settings as SshBackendSettings;
  if (checked.host === undefined && checked.hosts === undefined && checked.target === undefined) {
    throw new InvalidArgumentError({
      argument: 'host',
      message: 'The ssh backend needs a host to run on.',
      hint: "Name one: --on ssh:<host> (an alias from ~/.ssh/config, or user@address:port), or set `host` or `hosts` in the infrastructure's settings.",
    });
  }
  for (const name of [
    'graceSeconds',
    'connectTimeoutSeconds',
    'inventoryMaximumAgeSeconds',
    'fileCacheDays',
    'port',
  ] as const) {
    const value = checked[name];
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new InvalidArgumentError({
        argument: name,
        message: `The ssh backend setting "${name}" must be 0 or more, not ${value}.`,
        hint: name === 'port' ? 'Give the SSH port, for example 22.' : 'Give a number of seconds.',
      });
    }
  }
  return checked;
}
