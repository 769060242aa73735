import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { resolveDockerTestbedPaths, startDockerTestbed } from '../docker-testbed.mjs';

const dockerHost = inject('dockerHost');
const baseImage = inject('dockerBaseImage');
const connection = { socketPath: dockerHost.replace(/^unix:\/\//, '') };
const createdContainers = [];

afterAll(async () => {
  for (const id of createdContainers) await engine('DELETE', `/containers/${id}?force=true`);
});

describe('the docker testbed', () => {
  test('passes the daemon and base image to test workers', async () => {
    expect(dockerHost).toMatch(/^unix:\/\/.+\.sock$/);
    expect(process.env.DOCKER_HOST).toBe(dockerHost);
    expect(baseImage).toBe('icl-testbed/python:bookworm');
    expect(process.env.ICL_TEST_DOCKER_BASE_IMAGE).toBe(baseImage);
    expect((await engine('GET', '/_ping')).text).toBe('OK');
  });

  test('runs python3 and timeout in a container from the base image', async () => {
    const id = await createContainer({
      Image: baseImage,
      Cmd: [
        'sh',
        '-c',
        'timeout 5 python3 -c "import sys, venv; print(\'python\', sys.version_info[0])"; echo "$LANG"',
      ],
    });
    await engine('POST', `/containers/${id}/start`);
    const { json: exit } = await engine('POST', `/containers/${id}/wait`);
    expect(exit.StatusCode).toBe(0);
    const logs = await engine('GET', `/containers/${id}/logs?stdout=1&stderr=1`);
    expect(demultiplexLogs(logs.body)).toBe('python 3\nC.UTF-8\n');
  });

  test('publishes a container port on 127.0.0.1', async () => {
    const id = await createContainer({
      Image: baseImage,
      Cmd: ['python3', '-m', 'http.server', '8000'],
      ExposedPorts: { '8000/tcp': {} },
      HostConfig: { PortBindings: { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    await engine('POST', `/containers/${id}/start`);
    const { json: container } = await engine('GET', `/containers/${id}/json`);
    const [binding] = container.NetworkSettings.Ports['8000/tcp'];
    expect(binding.HostIp).toBe('127.0.0.1');
    const page = await fetchWithRetries(`http://127.0.0.1:${binding.HostPort}/`, 10_000);
    expect(page).toContain('Directory listing');
  });

  test('a testbed with its own cache starts its own dockerd; the last stop() leaves none behind', async () => {
    const { rootfsTarball } = resolveDockerTestbedPaths();
    const cache = await fs.mkdtemp(path.join(os.tmpdir(), 'icl-testbed-'));
    const environment = { ...process.env, ICL_TESTBED_CACHE: cache };
    delete environment.ICL_TESTBED_DOCKER_HOST;
    const paths = resolveDockerTestbedPaths(environment);
    await fs.mkdir(paths.directory, { recursive: true });
    await fs.symlink(rootfsTarball, paths.rootfsTarball);
    try {
      const first = await startDockerTestbed({ environment, log: () => {} });
      expect(first.startedByUs).toBe(true);
      expect(first.host).toBe(`unix://${paths.socketPath}`);
      expect(processesUsing(paths.directory)).toContain(first.pid);

      // A second user (another test run) reuses it; the starter's stop() leaves it to the last user.
      const second = await startDockerTestbed({ environment, log: () => {} });
      expect(second).toMatchObject({ startedByUs: false, pid: first.pid });
      await first.stop();
      expect(processesUsing(paths.directory)).toContain(first.pid);
      await second.stop();

      expect(processesUsing(paths.directory)).toEqual([]);
      await expect(fs.access(paths.socketPath)).rejects.toThrow();
    } finally {
      await fs.rm(cache, { recursive: true, force: true });
    }
  });
});

async function createContainer(body) {
  const response = await engine('POST', '/containers/create', body);
  expect(response.statusCode).toBe(201);
  createdContainers.push(response.json.Id);
  return response.json.Id;
}

/** One Docker Engine API request over the testbed's unix socket. */
function engine(method, requestPath, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'Content-Type': 'application/json' };
    const request = http.request(
      { ...connection, agent: false, method, path: requestPath, headers },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const buffer = Buffer.concat(chunks);
          const text = buffer.toString('utf8');
          const isJson = response.headers['content-type']?.includes('json') && text.length > 0;
          resolve({
            statusCode: response.statusCode,
            body: buffer,
            text,
            json: isJson ? JSON.parse(text) : undefined,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** The text of a non-TTY container log stream (8-byte frame headers, then the payload). */
function demultiplexLogs(buffer) {
  let text = '';
  for (let offset = 0; offset + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(offset + 4);
    text += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return text;
}

async function fetchWithRetries(url, timeoutMilliseconds) {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return await response.text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Process ids (live, not zombies) whose command line mentions the directory: dockerd and its containerd. */
function processesUsing(directory) {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(directory);
      } catch {
        return false;
      }
    })
    .map(Number);
}
