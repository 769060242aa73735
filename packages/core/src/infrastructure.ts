import type { JsonObject } from './json-value';

/**
 * Where programs run: a name bound to one backend plugin and its settings (`local`, `docker`,
 * `kind:dev`, `eks:prod`). Infrastructures are declared in the settings file or in code; the name is
 * what users type after `--on`.
 */
export interface Infrastructure {
  /** The name users refer to (`gpu-lab`). */
  name: string;
  /** The backend plugin that serves it (`local`, `docker`, `kind`). */
  backend: string;
  /** Settings passed to the backend's factory; their meaning is the backend's. */
  settings?: JsonObject;
}

/**
 * What an infrastructure has to offer, as reported by its backend. Used by `icl infra ls` and to
 * explain why a request cannot be placed.
 */
export interface Inventory {
  /** Machines (or nodes) and what each has. */
  nodes: InventoryNode[];
  /**
   * When the backend read it (ISO 8601), for a backend that keeps what it read for a while because
   * reading costs a round trip to every host: says how old the figures are. Absent means just read.
   */
  observedAt?: string;
}

/** How to read an inventory. */
export interface InventoryOptions {
  /**
   * Read every host or node again instead of answering from what the backend kept: after adding a GPU
   * or a disk, or when the answer looks stale.
   */
  refresh?: boolean;
}

/** One machine or node of an infrastructure. */
export interface InventoryNode {
  /** Host or node name. */
  name: string;
  /** Logical CPUs. */
  cpus: number;
  /** Total memory in bytes. */
  memoryBytes: number;
  /**
   * Free disk space in bytes where runs keep their files (the run directory's filesystem), where the
   * backend can tell: a venv or a dataset needs room, and a full disk is a common reason runs fail.
   */
  freeDiskBytes?: number;
  /** Accelerators on this node. */
  gpus: InventoryGpu[];
  /** Free-form facts worth showing (operating system, kernel, runtime versions). */
  labels?: Record<string, string>;
}

/** One accelerator device. */
export interface InventoryGpu {
  /** The device's index or id as the backend addresses it (`0`, a UUID). */
  id: string;
  /** The model as the device reports it (`NVIDIA H100 80GB HBM3`). */
  model: string;
  /** Device memory in bytes. */
  memoryBytes: number;
}
