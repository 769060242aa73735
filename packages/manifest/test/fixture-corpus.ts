import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { sharedFixturesDirectory } from '../../../tooling/testbed/shared-fixtures.mjs';

/**
 * The shared SDL/ICL fixture corpus (`../shared/fixtures/sdl` next to the repository, or
 * `ICL_SDL_FIXTURES`), every file classified by the rules of its INDEX.md. Tests are generated from this
 * listing, so a fixture added to the corpus is tested without editing a test; a file no rule covers is
 * reported as unclassified (and fails a test) instead of being skipped.
 */
export const fixturesRoot = process.env.ICL_SDL_FIXTURES ?? sharedFixturesDirectory('sdl');

/** What the reference implementations say about an input, and what our parser must say. */
export interface ValidInput {
  readonly kind: 'valid';
  readonly path: string;
  readonly name: string;
  /** Go-format outputs (`output-fixtures/<version>/<name>/`). */
  readonly goOutputs?: { readonly groupSpecs: string; readonly manifest: string };
  /** TypeScript-SDK-format outputs (`<name>.manifest.json`, `*-snapshot.json`). */
  readonly typescriptOutputs?: { readonly groupSpecs?: string; readonly manifest?: string };
}

export interface InvalidInput {
  readonly kind: 'invalid';
  readonly path: string;
  readonly name: string;
  /** Why it is invalid, from INDEX.md: the Go parser, Akash's schema, or both. */
  readonly source: 'parser' | 'schema';
}

export interface FixtureCorpus {
  readonly valid: ValidInput[];
  readonly invalid: InvalidInput[];
  /** Expected-output files, each claimed by one valid input. */
  readonly outputs: string[];
  /** Reference material that is not a manifest (INDEX.md, Akash's input schema, Spheron's GPU list). */
  readonly reference: string[];
  /** Files no rule classifies: each one fails a test. */
  readonly unclassified: string[];
}

/** Go unit-test inputs (`go/sdl/_testdata`, copied in spheronFdn/provider) its parser rejects, per INDEX.md. */
const goRejected = new Set([
  'deployment-svc-mismatch',
  'v2.1-deployment-svc-mismatch',
  'v2.1-credentials-error',
  'simple-reclamation-invalid',
  'v2.1-reclamation-invalid',
  'simple-reclamation-zero',
  'v2.1-reclamation-zero',
  'storageClass1',
  'storageClass2',
  'storageClass3',
  'storageClass4',
  'storageClass5',
]);

export function loadFixtureCorpus(): FixtureCorpus {
  if (!existsSync(fixturesRoot)) {
    throw new Error(
      `The fixture corpus is missing at ${fixturesRoot}; set ICL_SDL_FIXTURES to its directory.`,
    );
  }
  const corpus: FixtureCorpus = { valid: [], invalid: [], outputs: [], reference: [], unclassified: [] };
  const files = listFiles(fixturesRoot);
  const claimed = new Set<string>();
  for (const file of files) {
    const path = relative(fixturesRoot, file).split(sep).join('/');
    const name = basename(path).replace(/\.(sdl\.)?(ya?ml|json)$/, '');
    if (path === 'INDEX.md' || path.startsWith('spec/')) corpus.reference.push(path);
    else if (
      /\/output-fixtures\//.test(path) ||
      /\.manifest\.json$/.test(path) ||
      /-snapshot\.json$/.test(path)
    ) {
      corpus.outputs.push(path);
    } else if (/\/input\/(invalid|schema-only-invalid)\/[^/]+\.ya?ml$/.test(path)) {
      corpus.invalid.push({
        kind: 'invalid',
        path,
        name,
        source: path.includes('schema-only') ? 'schema' : 'parser',
      });
    } else if (/\/input\/v2\.\d\/[^/]+\/input\.ya?ml$/.test(path)) {
      const [version, fixture] = path.split('/').slice(-3, -1) as [string, string];
      const outputs = path.replace(
        /\/input\/v2\.\d\/[^/]+\/input\.ya?ml$/,
        `/output-fixtures/${version}/${fixture}`,
      );
      const goOutputs = {
        groupSpecs: `${outputs}/group-specs.json`,
        manifest: `${outputs}/manifest.json`,
      };
      claimed.add(goOutputs.groupSpecs).add(goOutputs.manifest);
      corpus.valid.push({ kind: 'valid', path, name: `${version}/${fixture}`, goOutputs });
    } else if (/\/(_testdata|testdata\/sdl)\/.+\.ya?ml$/.test(path) && !path.includes('/input/')) {
      if (goRejected.has(name)) corpus.invalid.push({ kind: 'invalid', path, name, source: 'parser' });
      else corpus.valid.push({ kind: 'valid', path, name });
    } else if (/\/fixtures\/[^/]+\.(sdl\.yml|yml|yaml)$/.test(path) || path.endsWith('/sdl-basic.json')) {
      if (name.includes('invalid')) corpus.invalid.push({ kind: 'invalid', path, name, source: 'parser' });
      else {
        const directory = dirname(path);
        const manifest = `${directory}/${name}.manifest.json`;
        const snapshots = name === 'sdl-basic';
        const typescriptOutputs = snapshots
          ? {
              groupSpecs: `${directory}/groups-basic-snapshot.json`,
              manifest: `${directory}/manifest-basic-snapshot.json`,
            }
          : files.some(
                (candidate) =>
                  candidate.endsWith(`${sep}${name}.manifest.json`) &&
                  dirname(relative(fixturesRoot, candidate)) === directory,
              )
            ? { manifest }
            : undefined;
        for (const output of Object.values(typescriptOutputs ?? {})) claimed.add(output);
        corpus.valid.push({ kind: 'valid', path, name, ...(typescriptOutputs ? { typescriptOutputs } : {}) });
      }
    } else if (path.startsWith('spheronFdn/protocol-sdk/') && /\.ya?ml$/.test(path)) {
      corpus.valid.push({ kind: 'valid', path, name });
    } else corpus.unclassified.push(path);
  }
  for (const output of corpus.outputs) if (!claimed.has(output)) corpus.unclassified.push(output);
  return corpus;
}

function listFiles(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((entry) => {
      const path = join(directory, entry);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}
