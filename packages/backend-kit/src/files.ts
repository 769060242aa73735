/**
 * `@icl/backend-kit/files`: the kit's file helpers alone, for code on a start-up path (the local backend,
 * the SDK's run store) that must not load the rest of the kit: where ICL keeps its files, files replaced
 * atomically and durably, temporary names beside a file, and JSON files read back.
 */
export { createFileExclusively } from './create-file-exclusively';
export { defaultBackendContext, type IclDirectories, resolveIclDirectories } from './icl-directories';
export { readJsonFile } from './read-json-file';
export { temporaryName } from './temporary-name';
export { writeFileAtomically } from './write-file-atomically';
