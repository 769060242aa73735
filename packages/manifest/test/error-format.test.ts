import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IclError } from '@icl/core';
import { describe, expect, it } from 'vitest';
import {
  checkDeployManifest,
  ManifestValidationError,
  parseDeployManifest,
  readDeployManifest,
} from '../src/index';

/** A manifest with five unrelated mistakes, one per section. */
const brokenManifest = `version: "2.0"
services:
  web:
    image: nginx
    expose:
      - port: 99999
        to:
          - global: true
    credentials:
      host: docker.io
      username: me
      password: 8675309
profiles:
  compute:
    web:
      resources:
        cpu: { units: 0.5 }
        memory: { size: 512Mo }
        storage: { size: 1Gi }
  placement:
    dc:
      pricing:
        web: { denom: uakt, amount: 100 }
deployment:
  web:
    dc:
      profile: webb
      count: 1
`;

function thrown(text: string, file = 'deploy.yaml'): ManifestValidationError {
  try {
    parseDeployManifest(text, { file });
  } catch (error) {
    if (ManifestValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('the manifest was accepted');
}

describe('validation errors', () => {
  it('report every problem at once, in file order, with file:line:column, path, rule and fix', () => {
    const error = thrown(brokenManifest);
    expect(error.issues.map((issue) => [issue.location, issue.path, issue.rule])).toEqual([
      ['deploy.yaml:6:15', 'services.web.expose[0].port', 'port-range'],
      ['deploy.yaml:12:17', 'services.web.credentials.password', 'field-type'],
      ['deploy.yaml:18:25', 'profiles.compute.web.resources.memory.size', 'memory-size'],
      ['deploy.yaml:27:16', 'deployment.web.dc.profile', 'profile-unknown'],
    ]);
    for (const issue of error.issues) expect(issue.hint.length).toBeGreaterThan(10);
    expect(error.issues[3]?.hint).toMatch(/^Did you mean `web`\?/);
  });

  it('print each problem as a location line and a fix line under a heading that counts them', () => {
    const error = thrown(brokenManifest);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('deploy.yaml is not a valid deploy manifest (4 problems):');
    expect(lines[1]).toBe(
      '  deploy.yaml:6:15 services.web.expose[0].port: must be between 1 and 65535, got 99999 [port-range]',
    );
    expect(lines[2]).toBe(
      '    fix: Use a port between 1 and 65535; to publish the container port on another one, set `as`.',
    );
    expect(lines).toHaveLength(1 + 2 * 4);
  });

  it('are IclErrors with a stable code and a hint', () => {
    const error = thrown(brokenManifest);
    expect(IclError.isInstance(error)).toBe(true);
    expect(error.code).toBe('invalid-deploy-manifest');
    expect(error.hint).toMatch(/each problem/);
    expect(error.file).toBe('deploy.yaml');
  });

  it('never repeat a registry password or an environment value', () => {
    const secrets = `version: "2.1"
services:
  web:
    image: nginx
    env:
      - 1BAD=hunter2-secret
    credentials: { host: docker.io, username: me, password: 8675309 }
    expose: [{ port: 80, to: [{ global: true }] }]
profiles:
  compute: { web: { resources: { cpu: { units: 1 }, memory: { size: 1Gi }, storage: { size: 1Gi } } } }
  placement: { dc: { pricing: { web: { denom: uakt, amount: 1 } } } }
deployment: { web: { dc: { profile: web, count: 1 } } }
`;
    const error = thrown(secrets);
    expect(error.issues.map((issue) => issue.rule)).toEqual(['env-name', 'field-type']);
    expect(error.message).not.toMatch(/8675309|hunter2/);
  });

  it('point at the mapping that lacks a required field, and name the field in the path', () => {
    const error = thrown('version: "2.0"\nservices:\n  web:\n    expose: []\nprofiles: {}\ndeployment: {}\n');
    expect(error.issues.map((issue) => [issue.location, issue.path, issue.rule])).toEqual([
      ['deploy.yaml:4:5', 'services.web.image', 'required-field'],
      ['deploy.yaml:5:11', 'profiles.compute', 'required-field'],
      ['deploy.yaml:5:11', 'profiles.placement', 'required-field'],
      ['deploy.yaml:6:13', 'deployment', 'deployment-empty'],
    ]);
  });

  it('suggest the field a misspelt key was meant to be', () => {
    const error = thrown(brokenManifest.replace('        to:\n', '        too:\n'));
    const unknown = error.issues.find((issue) => issue.rule === 'unknown-field');
    expect(unknown).toMatchObject({ path: 'services.web.expose[0].too', location: 'deploy.yaml:7:9' });
    expect(unknown?.hint).toBe('Did you mean `to`? Rename the key, or remove it.');
  });

  it('report YAML syntax errors at their position', () => {
    const error = thrown('version: "2.0"\nservices:\n  web: image: nginx\n');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({
      rule: 'yaml-syntax',
      location: 'deploy.yaml:3:8',
      message: 'is not valid YAML: Nested mappings are not allowed in compact mappings',
    });
    expect(thrown('version: "2.0"\nversion: "2.1"\n').issues[0]).toMatchObject({
      rule: 'duplicate-key',
      location: 'deploy.yaml:2:1',
    });
  });

  it('say what a file that is empty or not a mapping should start with', () => {
    for (const text of ['', '- web\n']) {
      const [issue] = thrown(text).issues;
      expect(issue).toMatchObject({ path: '', location: 'deploy.yaml:1:1' });
      expect(issue?.hint).toMatch(/^Start( the file)? with `version: "1.0"`/);
    }
  });

  it('explain an unquoted version', () => {
    const issue = thrown('version: 2.0\n').issues.find(
      (candidate) => candidate.rule === 'version-unsupported',
    );
    expect(issue).toMatchObject({
      path: 'version',
      location: 'deploy.yaml:1:10',
      hint: 'Write `version: "2.0"`.',
    });
  });

  it('carry the path of the file that was read', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'icl-manifest-'));
    try {
      const file = join(directory, 'deploy.yaml');
      await writeFile(file, brokenManifest);
      const error = await readDeployManifest(file).catch((caught: unknown) => caught);
      expect(ManifestValidationError.isInstance(error)).toBe(true);
      expect((error as ManifestValidationError).issues[0]?.location).toBe(`${file}:6:15`);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('are returned as data by checkDeployManifest, without throwing', () => {
    const check = checkDeployManifest(brokenManifest, { file: 'a.yaml' });
    expect(check.valid).toBe(false);
    expect(check.issues).toHaveLength(4);
    expect(check.issues[0]).toEqual({
      rule: 'port-range',
      path: 'services.web.expose[0].port',
      message: 'must be between 1 and 65535, got 99999',
      hint: 'Use a port between 1 and 65535; to publish the container port on another one, set `as`.',
      file: 'a.yaml',
      line: 6,
      column: 15,
      location: 'a.yaml:6:15',
    });
  });

  it('come with a position and a fix for any damage to a manifest, and parsing never crashes', () => {
    const examples = new URL('../examples/', import.meta.url);
    let checked = 0;
    for (const name of readdirSync(examples)) {
      const lines = readFileSync(new URL(name, examples), 'utf8').split('\n');
      for (let index = 0; index < lines.length; index++) {
        const damaged = [
          lines.filter((_, other) => other !== index),
          lines.map((line, other) => (other === index ? line.replace(/: .*/, ':') : line)),
          lines.map((line, other) => (other === index ? line.replace(/: (.*)/, ': [$1]') : line)),
          lines.map((line, other) => (other === index ? line.replace(/: (.*)/, ': { a: 1 }') : line)),
        ];
        for (const text of damaged) {
          const check = checkDeployManifest(text.join('\n'), { file: name });
          for (const issue of check.issues) {
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.hint.length).toBeGreaterThan(10);
            expect(issue.location).toBe(`${name}:${issue.line}:${issue.column}`);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
