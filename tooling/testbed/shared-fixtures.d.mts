// Types of shared-fixtures.mjs for TypeScript callers.

/**
 * The folder of one shared fixture set (`inferno`, `sdl`): `$ICL_SHARED_FIXTURES/<set>`, else
 * `../shared/fixtures/<set>` beside the repository, else `/work/shared/fixtures/<set>`.
 * @throws Error naming every place it looked.
 */
export declare function sharedFixturesDirectory(set: string): string;
