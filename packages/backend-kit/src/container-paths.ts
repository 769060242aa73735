/**
 * Where a program runs in its container: an empty working directory that receives copies of the
 * program and its files. Fixed rather than configurable, so the same program sees the same paths on
 * every container backend.
 */
export const workspacePath = '/workspace';

/**
 * Where ICL's own files for a run live in its container, apart from the program's: a function's
 * parameters and its result, so a program cannot clobber them by accident.
 */
export const iclPath = '/icl';

/** Where a function program's JSON result is written in its container, for the backend to read back. */
export const resultPath = `${iclPath}/result.json`;
