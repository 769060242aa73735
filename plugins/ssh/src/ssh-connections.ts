import { readFile } from 'node:fs/promises';
import { connect as connectSocket, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BackendUnavailableError } from '@icl/core';
import type { NodeSSH } from 'node-ssh';
import type { SFTPWrapper } from 'ssh2';
import {
  checkHostKey,
  fingerprintOf,
  type HostKey,
  type HostKeyVerdict,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  recordHostKey,
} from './known-hosts';
import type { SshHost } from './ssh-host';

/** What a command run on a host printed, and how it exited. */
export interface HostCommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** How connections are made: where host keys are checked, and whether new ones are accepted. */
export interface SshConnectionSettings {
  readonly knownHostsFile?: string;
  readonly acceptNewHostKeys?: boolean;
  readonly connectTimeoutSeconds?: number;
}

/** Host key algorithms as ssh2 names them, for each key type known_hosts may record. */
const hostKeyAlgorithms: Readonly<Record<string, readonly string[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * One pooled connection per host, opened on first use and reopened after it drops. Every connection
 * checks the host's key against known_hosts before anything is sent (an unknown or changed key is
 * refused with its fingerprint and the command that accepts it), and authenticates with the host's
 * identity files or the SSH agent only.
 */
export class SshConnections {
  readonly #settings: SshConnectionSettings;
  readonly #open = new Map<string, Promise<NodeSSH>>();
  readonly #sftp = new Map<NodeSSH, Promise<SFTPWrapper>>();

  constructor(settings: SshConnectionSettings) {
    this.#settings = settings;
  }

  /** The known_hosts file keys are checked against and recorded in. */
  get knownHostsFile(): string {
    return this.#settings.knownHostsFile ?? path.join(os.homedir(), '.ssh', 'known_hosts');
  }

  /** The host's connection, opened if needed. */
  connect(host: SshHost): Promise<NodeSSH> {
    const key = connectionKey(host);
    let connection = this.#open.get(key);
    if (!connection) {
      connection = this.#openConnection(host);
      this.#open.set(key, connection);
      connection.catch(() => this.#open.delete(key));
    }
    return connection;
  }

  /**
   * Runs a POSIX shell script on the host, from the login's home, and resolves with what it printed.
   * Arguments reach the script as `$1`, `$2`… without the login shell interpreting them.
   */
  async run(host: SshHost, script: string, parameters: readonly string[] = []): Promise<HostCommandResult> {
    const connection = await this.connect(host);
    const command = ['sh', '-c', script, 'icl', ...parameters].map(shellQuote).join(' ');
    try {
      const result = await connection.execCommand(command);
      return { stdout: result.stdout, stderr: result.stderr, code: result.code };
    } catch (error) {
      this.#forget(host, connection);
      throw unreachable(host, error);
    }
  }

  /** The host's SFTP session (one per connection), for reading and writing files at offsets. */
  async sftp(host: SshHost): Promise<SFTPWrapper> {
    const connection = await this.connect(host);
    let session = this.#sftp.get(connection);
    if (!session) {
      session = connection.requestSFTP();
      this.#sftp.set(connection, session);
      session.catch(() => this.#sftp.delete(connection));
    }
    return session;
  }

  /** Closes every connection; runs go on on their hosts. */
  async close(): Promise<void> {
    const connections = [...this.#open.values()];
    this.#open.clear();
    this.#sftp.clear();
    await Promise.all(
      connections.map((connection) => connection.then((opened) => opened.dispose()).catch(() => undefined)),
    );
  }

  #forget(host: SshHost, connection: NodeSSH): void {
    if (connection.isConnected()) return;
    const key = connectionKey(host);
    void this.#open.get(key)?.then((current) => {
      if (current === connection) this.#open.delete(key);
    });
    this.#sftp.delete(connection);
  }

  async #openConnection(host: SshHost): Promise<NodeSSH> {
    const { NodeSSH } = await import('node-ssh');
    const knownHostsFile = this.knownHostsFile;
    const files = [knownHostsFile];
    const types = await knownKeyTypes(files, host.hostname, host.port);
    let verdict: (HostKeyVerdict & { key: HostKey }) | undefined;
    let recorded = false;
    const privateKey = await firstReadable(host.identityFiles);
    const connection = new NodeSSH();
    const timeout = (this.#settings.connectTimeoutSeconds ?? 10) * 1000;
    try {
      await connection.connect({
        sock: await openSocket(host, timeout),
        host: host.hostname,
        port: host.port,
        username: host.user,
        ...(privateKey ? { privateKey } : {}),
        ...(process.env.SSH_AUTH_SOCK ? { agent: process.env.SSH_AUTH_SOCK } : {}),
        readyTimeout: timeout,
        keepaliveInterval: 5000,
        keepaliveCountMax: 3,
        ...(types.length > 0
          ? {
              algorithms: {
                serverHostKey: types.flatMap((type) => hostKeyAlgorithms[type] ?? []) as never,
              },
            }
          : {}),
        hostVerifier: ((blob: Buffer, verify: (valid: boolean) => void) => {
          const key = { type: keyTypeOf(blob), blob };
          checkHostKey(files, host.hostname, host.port, key).then(
            async (checked) => {
              verdict = { ...checked, key };
              if (checked.status === 'unknown' && this.#settings.acceptNewHostKeys) {
                await recordHostKey(knownHostsFile, host.hostname, host.port, key);
                recorded = true;
              }
              verify(checked.status === 'known' || recorded);
            },
            () => verify(false),
          );
        }) as never,
      });
    } catch (error) {
      if (verdict && verdict.status !== 'known' && !recorded)
        throw hostKeyRefusal(host, verdict, knownHostsFile);
      throw unreachable(host, error);
    }
    connection.connection?.on('close', () => this.#forget(host, connection));
    return connection;
  }
}

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The TCP connection to a host's sshd, with Nagle's algorithm off: SSH sends many small packets that
 * wait on each other's replies, and with it on each waited about 40 ms for a delayed ACK (a round trip
 * of 43 ms instead of 0.7 ms on a local link). Gives up after `timeout` milliseconds.
 */
function openSocket(host: SshHost, timeout: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket({ host: host.hostname, port: host.port, noDelay: true });
    socket.setTimeout(timeout, () =>
      socket.destroy(new Error(`no answer within ${Math.round(timeout / 1000)} s`)),
    );
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function connectionKey(host: SshHost): string {
  return `${host.user}@${host.hostname}:${host.port}`;
}

async function firstReadable(files: readonly string[]): Promise<string | undefined> {
  for (const file of files) {
    try {
      return await readFile(file, 'utf8');
    } catch {}
  }
  return undefined;
}

function hostKeyRefusal(
  host: SshHost,
  verdict: HostKeyVerdict & { key: HostKey },
  knownHostsFile: string,
): BackendUnavailableError {
  const where = `${host.name} (${host.hostname}:${host.port})`;
  const fingerprint = `${verdict.key.type} ${fingerprintOf(verdict.key.blob)}`;
  if (verdict.status === 'changed') {
    return new BackendUnavailableError({
      backendName: 'ssh',
      message: `The host key of ${where} has changed: it is now ${fingerprint}, but ${knownHostsFile}:${verdict.line} has ${verdict.known.join(', ') || 'it revoked'}. Someone may be intercepting the connection, or the host was reinstalled; nothing was sent.`,
      hint: `If you know the host was reinstalled, remove the old key (ssh-keygen -R '${knownHostsName(host.hostname, host.port)}' -f ${knownHostsFile}) and run again.`,
    });
  }
  return new BackendUnavailableError({
    backendName: 'ssh',
    message: `The host key of ${where} is not in ${knownHostsFile}: ${fingerprint}. Nothing was sent.`,
    hint: `If that is the host's fingerprint (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${verdict.key.type.replace(/^ssh-|-sha2-.*$/g, '')}_key.pub), accept it with: ssh-keyscan -p ${host.port} -t ${verdict.key.type} ${host.hostname} >> ${knownHostsFile} (or set acceptNewHostKeys: true for this infrastructure).`,
  });
}

function unreachable(host: SshHost, error: unknown): BackendUnavailableError {
  const reason = (error as Error).message ?? String(error);
  const authentication = /authentication methods failed/i.test(reason);
  return new BackendUnavailableError({
    backendName: 'ssh',
    message: authentication
      ? `${host.user}@${host.hostname}:${host.port} (${host.name}) refused every key offered (${host.identityFiles.join(', ') || 'none found'}${process.env.SSH_AUTH_SOCK ? ', and the agent' : ''}).`
      : `Cannot reach ${host.name} (${host.user}@${host.hostname}:${host.port}): ${reason}.`,
    hint: authentication
      ? `Install your public key on the host (ssh-copy-id -p ${host.port} ${host.user}@${host.hostname}), load it into the agent (ssh-add), or set identityFile.`
      : `Check that the host is up and answers: ssh -p ${host.port} ${host.user}@${host.hostname} true`,
    cause: error,
  });
}
