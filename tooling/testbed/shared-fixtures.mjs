// Where the shared fixtures of peer projects live (Inferno's sample problems, the Akash SDL corpus): a
// folder `shared/fixtures` beside the repository, read only. Node built-ins only.
import { existsSync } from 'node:fs';
import path from 'node:path';

const repository = path.resolve(import.meta.dirname, '..', '..');

/**
 * The folder of one shared fixture set (`inferno`, `sdl`): `$ICL_SHARED_FIXTURES/<set>` when that variable
 * is set, else `../shared/fixtures/<set>` beside the repository, else `/work/shared/fixtures/<set>`
 * (where the workplace keeps them when the repository is cloned elsewhere).
 * @param {string} set
 * @returns {string}
 * @throws {Error} naming every place it looked, so a missing corpus fails loudly instead of skipping.
 */
export function sharedFixturesDirectory(set) {
  const candidates = [
    ...(process.env.ICL_SHARED_FIXTURES ? [path.join(process.env.ICL_SHARED_FIXTURES, set)] : []),
    path.join(repository, '..', 'shared', 'fixtures', set),
    path.join('/work', 'shared', 'fixtures', set),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `The shared fixtures "${set}" are missing: looked in ${candidates.join(', ')}. Set ICL_SHARED_FIXTURES to the folder that holds them.`,
    );
  }
  return found;
}
