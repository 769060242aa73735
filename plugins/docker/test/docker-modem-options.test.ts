import { afterEach, describe, expect, test } from 'vitest';
import { dockerModemOptions, resolveDockerHost } from '../src/docker-modem-options';
import { imageRegistry } from '../src/image-registry';
import { serviceEndpoints } from '../src/service-endpoints';

describe('daemon addresses', () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    process.env.DOCKER_HOST = saved;
  });

  test('the setting wins over DOCKER_HOST, which wins over the default socket', () => {
    process.env.DOCKER_HOST = 'tcp://10.0.0.5:2375';
    expect(resolveDockerHost('unix:///run/user/1000/docker.sock')).toBe('unix:///run/user/1000/docker.sock');
    expect(resolveDockerHost(undefined)).toBe('tcp://10.0.0.5:2375');
    delete process.env.DOCKER_HOST;
    expect(resolveDockerHost(undefined)).toBe('unix:///var/run/docker.sock');
  });

  test('every form the docker CLI accepts, with no field left for docker-modem to fill from DOCKER_HOST', () => {
    expect(dockerModemOptions('unix:///var/run/docker.sock')).toMatchObject({
      socketPath: '/var/run/docker.sock',
      host: undefined,
      protocol: undefined,
    });
    expect(dockerModemOptions('tcp://127.0.0.1:2375')).toMatchObject({
      protocol: 'http',
      host: '127.0.0.1',
      port: '2375',
      socketPath: undefined,
    });
    expect(dockerModemOptions('ssh://me@build-box')).toMatchObject({
      protocol: 'ssh',
      host: 'build-box',
      username: 'me',
    });
    expect(() => dockerModemOptions('ftp://nope')).toThrow('is not a Docker daemon address');
  });

  test('registries are named as Docker resolves them', () => {
    expect(imageRegistry('python:3.12-slim')).toBe('docker.io');
    expect(imageRegistry('pytorch/pytorch:2.4.0')).toBe('docker.io');
    expect(imageRegistry('ghcr.io/org/image:1')).toBe('ghcr.io');
    expect(imageRegistry('localhost:5000/image')).toBe('localhost:5000');
  });

  test('service endpoints are reached on loopback for a local daemon and on the host of a remote one', () => {
    const published = { '8000/tcp': [{ HostIp: '0.0.0.0', HostPort: '49153' }] };
    expect(serviceEndpoints({ ports: [8000] }, published, 'unix:///var/run/docker.sock')).toEqual([
      { port: 8000, url: 'http://127.0.0.1:49153', address: '127.0.0.1', hostPort: 49153 },
    ]);
    expect(serviceEndpoints({ ports: [8000] }, published, 'tcp://gpu-box:2375')[0]?.url).toBe(
      'http://gpu-box:49153',
    );
    const loopback = { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '49154' }] };
    expect(serviceEndpoints({ ports: [8000] }, loopback, 'tcp://gpu-box:2375')[0]?.url).toBe(
      'http://127.0.0.1:49154',
    );
  });
});
