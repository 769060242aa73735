import { InvalidArgumentError } from '@icl/core';
import { describe, expect, test } from 'vitest';
import { runtimeDockerfile, runtimeNeedsBuild } from '../src/runtime-dockerfile';

describe('the Dockerfile of a runtime', () => {
  test('installs apt packages, then pip packages into a venv that comes first on the PATH', () => {
    const dockerfile = runtimeDockerfile(
      { dependencies: { apt: ['libgomp1'], pip: ['numpy==2.1.0', 'requests>=2'] } },
      'python:3.12-slim',
    );
    expect(dockerfile).toBe(
      [
        'FROM python:3.12-slim',
        'RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*',
        "RUN python3 -m venv --system-site-packages /opt/icl/venv && /opt/icl/venv/bin/pip install --no-cache-dir --disable-pip-version-check 'numpy==2.1.0' 'requests>=2'",
        // Dockerfile substitution, not a template: PATH stays set even where the base image sets none.
        `ENV VIRTUAL_ENV=/opt/icl/venv PATH=/opt/icl/venv/bin:\${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}`,
        '',
      ].join('\n'),
    );
  });

  test('refuses package names that would smuggle shell syntax into the build', () => {
    expect(() => runtimeDockerfile({ dependencies: { apt: ['curl; rm -rf /'] } }, 'debian')).toThrow(
      InvalidArgumentError,
    );
    expect(() => runtimeDockerfile({ dependencies: { pip: ['six\nRUN evil'] } }, 'debian')).toThrow(
      'control characters',
    );
    expect(runtimeDockerfile({ dependencies: { pip: ["it's"] } }, 'debian')).toContain(`'it'\\''s'`);
  });

  test('only runtimes with packages need an image of their own', () => {
    expect(runtimeNeedsBuild({ image: 'python:3.12-slim', environment: { A: '1' } })).toBe(false);
    expect(runtimeNeedsBuild({ dependencies: { pip: [] } })).toBe(false);
    expect(runtimeNeedsBuild({ dependencies: { npm: ['lodash@4'] } })).toBe(true);
  });
});
