import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesRoot, loadFixtureCorpus } from '../../../packages/manifest/test/fixture-corpus';
import { createSandbox } from './icl-process';

const corpus = loadFixtureCorpus();
/** The one schema-invalid fixture Akash's parser accepts, and so does ICL (see the manifest's parity test). */
const acceptedDespiteSchema = new Set(['password-too-short']);

interface FileValidation {
  file: string;
  kind: string;
  valid: boolean;
  summary?: string;
  issues: Array<{ location?: string; path: string; rule?: string; message: string; hint?: string }>;
}

describe('icl validate', () => {
  it('accepts every valid file of the parity corpus and the Spheron examples, with no market settings', async () => {
    const sandbox = await createSandbox();
    const files = corpus.valid.map((input) => join(fixturesRoot, input.path));
    expect(files.some((file) => file.includes('spheronFdn/protocol-sdk'))).toBe(true);
    const result = await sandbox.icl(['validate', '--json', ...files]);
    const results = JSON.parse(result.stdout) as FileValidation[];
    expect(results.filter((entry) => !entry.valid)).toEqual([]);
    expect(results).toHaveLength(files.length);
    expect(results.every((entry) => entry.kind === 'deploy-manifest')).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(existsSync(sandbox.stateDirectory)).toBe(false);
  });

  it('rejects every invalid file of the corpus, naming a rule and a location for each problem', async () => {
    const sandbox = await createSandbox();
    const invalid = corpus.invalid.filter((input) => !acceptedDespiteSchema.has(input.name));
    expect(invalid.length).toBeGreaterThanOrEqual(40);
    const result = await sandbox.icl([
      'validate',
      '--json',
      ...invalid.map((input) => join(fixturesRoot, input.path)),
    ]);
    const results = JSON.parse(result.stdout) as FileValidation[];
    for (const entry of results) {
      expect(entry.valid, entry.file).toBe(false);
      expect(entry.issues.length, entry.file).toBeGreaterThan(0);
      for (const issue of entry.issues) {
        expect(issue.rule, entry.file).toMatch(/^[a-z0-9-]+$/);
        expect(issue.location, entry.file).toMatch(
          new RegExp(`^${entry.file.replaceAll('.', '\\.')}:\\d+:\\d+$`),
        );
      }
    }
    expect(result.exitCode).toBe(1);
  });

  it('prints each problem with file:line:column, field and rule, and the fix, then exits 1', async () => {
    const sandbox = await createSandbox();
    const manifest = join(sandbox.work, 'deploy.yaml');
    await writeFile(
      manifest,
      `version: "1.0"
services:
  web:
    image: nginx:1.27
    expose:
      - port: 80
        as: 80
        to:
          - global: false
          - service: api
  api:
    image: node:22
    expose:
      - port: 3000
        to:
          - global: true
profiles:
  mode: provider
  duration: 1h
  tier: [community]
  compute:
    small:
      resources:
        cpu: { units: 1 }
        memory: { size: 8gb }
        storage: [{ size: 1Gi }]
  placement:
    here:
      pricing:
        small: { token: USDT, amount: 1 }
deployment:
  web:
    here: { profile: small, count: 1 }
  api:
    here: { profile: small, count: 1 }
`,
    );
    const result = await sandbox.icl(['validate', manifest]);
    expect(result.stdout).toBe(
      `${manifest}:25:25 profiles.compute.small.resources.memory.size: \`8gb\` is not a size; sizes end in k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024), case as written: did you mean \`8G\` (8,000,000,000 bytes) or \`8Gi\` (8,589,934,592 bytes)? [memory-size]
    fix: Give the memory with a unit, for example \`size: 512Mi\` or \`size: 4Gi\` (1Mi to 2Ti).
${manifest}: 1 problem
`,
    );
    expect(result.exitCode).toBe(1);

    await writeFile(manifest, (await import('node:fs')).readFileSync(manifest, 'utf8').replace('8gb', '8Gi'));
    const fixed = await sandbox.icl(['validate', manifest]);
    expect(fixed.stdout).toBe(`${manifest}: valid (ICL deploy.yaml 1.0, 2 services, 1 placement)\n`);
    expect(fixed.exitCode).toBe(0);
  });

  it('checks stack files for references, types and cycles without touching state', async () => {
    const sandbox = await createSandbox();
    const stackFile = join(sandbox.work, 'icl-stack.yaml');
    await writeFile(
      stackFile,
      `name: broken
resources:
  a:
    type: icl:Noop
    inputs:
      input: \${b.output}
  b:
    type: icl:Noop
    inputs:
      input: \${a.output}
  c:
    type: icl:File
    inputs:
      path: out.txt
      content: \${missing.output}
  d:
    type: icl:Fiel
    inputs: {}
`,
    );
    const result = await sandbox.icl(['validate', '--json', stackFile]);
    const [entry] = JSON.parse(result.stdout) as FileValidation[];
    expect(entry).toMatchObject({ file: stackFile, kind: 'stack', valid: false });
    expect(entry!.issues.map((issue) => [issue.location?.replace(`${stackFile}:`, ''), issue.path])).toEqual([
      ['17:5', 'resources.d.type'],
      ['15:7', 'resources.c.inputs.content'],
      ['5:5', 'resources.a'],
    ]);
    expect(entry!.issues.map((issue) => issue.message).join('\n')).toMatch(/missing resource "missing"/);
    expect(entry!.issues.map((issue) => issue.message).join('\n')).toMatch(/dependency cycle: a → b → a/);
    expect(result.exitCode).toBe(1);
    expect(existsSync(sandbox.stateDirectory)).toBe(false);

    const valid = await sandbox.icl([
      'validate',
      join(import.meta.dirname, '../../../examples/stack/icl-stack.yaml'),
    ]);
    expect(valid.stdout).toMatch(/icl-stack\.yaml: valid \(stack "demo", \d+ resources\)\n$/);
    expect(valid.exitCode).toBe(0);
    expect(existsSync(sandbox.stateDirectory)).toBe(false);
  });

  it('says a missing file is missing, and checks the others', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.icl(['validate', 'nowhere.yaml']);
    expect(result.stdout).toBe(
      'nowhere.yaml does not exist\n    fix: Name an existing file.\nnowhere.yaml: 1 problem\n',
    );
    expect(result.exitCode).toBe(1);
  });
});
