import { createHash } from 'node:crypto';

/**
 * With what a program runs: interpreter or image, packages, environment variables and files. A
 * runtime is pure data with a content hash, so a backend builds it once (a venv, an image) and reuses
 * it for every run with the same declaration, and each run records exactly what it ran with.
 */
export interface Runtime {
  /** A container image to run in, for backends that run containers (`python:3.12-slim`). */
  image?: string;
  /** The Python version to use when building from scratch (`3.11`); the backend's default otherwise. */
  python?: string;
  /** Packages to install. */
  dependencies?: RuntimeDependencies;
  /** Environment variables set for the program. */
  environment?: Record<string, string>;
  /**
   * Files and folders shipped with the run. `src` is on the caller's machine (relative to the caller's
   * working directory); `dst` is relative to the program's working directory, or absolute where the
   * backend allows it. A folder is copied whole.
   */
  files?: FileMapping[];
}

/** Packages a runtime installs, by package manager. */
export interface RuntimeDependencies {
  /** pip requirement strings (`numpy==2.1.0`, `requests>=2`). */
  pip?: string[];
  /** npm package specs (`lodash@4`). */
  npm?: string[];
  /** Debian packages, for backends that build images. */
  apt?: string[];
}

/** One file or folder to ship: where it is and where the program sees it. */
export interface FileMapping {
  /** Path on the caller's machine. */
  src: string;
  /** Path in the program's working directory; defaults to the base name of `src`. */
  dst?: string;
}

/**
 * The content hash of what a runtime builds: image, Python version and packages. Environment and
 * files are not part of it because they are applied per run and do not require a rebuild.
 *
 * Backends use it as the cache key of built environments; it is stable across processes, machines and
 * key order.
 */
export function runtimeHash(runtime: Runtime): string {
  const dependencies = runtime.dependencies ?? {};
  const built = {
    image: runtime.image ?? null,
    python: runtime.python ?? null,
    pip: [...(dependencies.pip ?? [])].map((entry) => entry.trim()).sort(),
    npm: [...(dependencies.npm ?? [])].map((entry) => entry.trim()).sort(),
    apt: [...(dependencies.apt ?? [])].map((entry) => entry.trim()).sort(),
  };
  return createHash('sha256').update(JSON.stringify(built)).digest('hex').slice(0, 16);
}
