import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import type { SshBackendSettings } from './ssh-backend-settings';

/** One host of an SSH infrastructure, with everything needed to reach it. */
export interface SshHost {
  /** The host as the user named it (`gpu-box`, `me@10.0.0.5:2222`): how runs and messages refer to it. */
  readonly name: string;
  /** The address connected to. */
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  /** Private key files to try, in order (may be empty when the agent has the key). */
  readonly identityFiles: readonly string[];
}

/** The hosts an infrastructure's settings name, in order, as `~/.ssh/config` completes them. */
export async function resolveSshHosts(settings: SshBackendSettings): Promise<SshHost[]> {
  const names = settings.hosts ?? [settings.host ?? settings.target!];
  const config = await readSshConfig(settings.sshConfigFile ?? path.join(os.homedir(), '.ssh', 'config'));
  return names.map((name) => resolveHost(name, settings, config));
}

type SshConfig = { compute(host: string): Record<string, string | string[]> } | undefined;

async function readSshConfig(file: string): Promise<SshConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const { default: SSHConfig } = await import('ssh-config');
  return SSHConfig.parse(text);
}

/** `[user@]host[:port]`, with `[address]` for IPv6. */
const hostPattern =
  /^(?:(?<user>[^@\s]+)@)?(?:\[(?<bracketed>[^\]]+)\]|(?<plain>[^:@\s]+))(?::(?<port>\d+))?$/;

function resolveHost(name: string, settings: SshBackendSettings, config: SshConfig): SshHost {
  const match = hostPattern.exec(name.trim());
  if (!match?.groups) {
    throw new InvalidArgumentError({
      argument: 'host',
      message: `"${name}" is not a host the ssh backend can reach.`,
      hint: 'Write an alias from ~/.ssh/config, or [user@]host[:port], for example me@10.0.0.5:2222.',
    });
  }
  const alias = match.groups.bracketed ?? match.groups.plain!;
  const computed = config?.compute(alias) ?? {};
  const single = (key: string) => {
    const value = computed[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const port = Number(match.groups.port ?? settings.port ?? single('Port') ?? 22);
  const configured = computed.IdentityFile;
  const identityFiles = settings.identityFile
    ? [settings.identityFile]
    : [
        ...(configured === undefined ? [] : Array.isArray(configured) ? configured : [configured]),
        ...['id_ed25519', 'id_ecdsa', 'id_rsa'].map((file) => path.join(os.homedir(), '.ssh', file)),
      ]
        .map(expandHome)
        .filter((file, index, all) => existsSync(file) && all.indexOf(file) === index);
  return {
    name,
    hostname: single('HostName') ?? alias,
    port,
    user: match.groups.user ?? settings.user ?? single('User') ?? os.userInfo().username,
    identityFiles,
  };
}

function expandHome(file: string): string {
  return file.startsWith('~/') ? path.join(os.homedir(), file.slice(2)) : file;
}
