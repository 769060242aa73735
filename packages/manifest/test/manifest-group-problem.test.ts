import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeployManifest, manifestGroupProblem } from '../src/index';
import { fixturesRoot, loadFixtureCorpus } from './fixture-corpus';

const corpus = loadFixtureCorpus();

/** Every manifest group the parser makes of the valid corpus, as a tenant would send it (JSON). */
const groups = corpus.valid.flatMap((input) => {
  const checked = checkDeployManifest(readFileSync(join(fixturesRoot, input.path), 'utf8'), {
    file: input.path,
  });
  return checked.valid
    ? checked.manifest.manifest.map((group) => [
        `${input.name}: ${group.name}`,
        JSON.parse(JSON.stringify(group)),
      ])
    : [];
});

describe('manifestGroupProblem', () => {
  it('finds nothing wrong with the groups the parser makes of every valid corpus file', () => {
    expect(groups.length).toBeGreaterThan(40);
    const problems = groups
      .map(([name, group]) => [name, manifestGroupProblem(group)])
      .filter(([, problem]) => problem !== undefined);
    expect(problems).toEqual([]);
  });

  it('names the field of each kind of damage a tenant could send', () => {
    const [, sound] = groups[0]!;
    const damaged = (change: (group: { services: Record<string, unknown>[] }) => void) => {
      const copy = structuredClone(sound) as { services: Record<string, unknown>[] };
      change(copy);
      return manifestGroupProblem(copy);
    };
    expect(manifestGroupProblem(null)).toBe('group: must be a JSON object');
    expect(
      damaged((group) => {
        group.services = [null as never];
      }),
    ).toBe('services[0]: must be a JSON object, not null');
    expect(
      damaged((group) => {
        group.services[0]!.image = '';
      }),
    ).toBe('services[0].image: must be an image reference (nginx:1.27), not ""');
    expect(
      damaged((group) => {
        group.services[0]!.command = 'sh -c start';
      }),
    ).toBe('services[0].command: must be a list of strings or null, not "sh -c start"');
    expect(
      damaged((group) => {
        group.services[0]!.env = ['PORT=8080', 'COUNT', 3 as never];
      }),
    ).toBe('services[0].env[1]: must be a NAME=value string, not "COUNT"');
    expect(
      damaged((group) => {
        group.services[0]!.count = 0;
      }),
    ).toBe('services[0].count: must be a whole number from 1 to 1000, not 0');
    expect(
      damaged((group) => {
        (group.services[0]!.expose as Record<string, unknown>[])[0] = {
          ...(group.services[0]!.expose as Record<string, unknown>[])[0],
          port: 99999,
        };
      }),
    ).toBe('services[0].expose[0].port: must be a port from 1 to 65535, not 99999');
  });
});
