import path from 'node:path';
import { RunDirectory } from '@icl/backend-kit';
import type { ServiceEndpoint } from '@icl/core';

/** What the backend records about a run when it creates its container. */
export interface DockerRunRecord {
  /** The container's name (`icl-<runId>`). */
  containerName: string;
  /** The image the container runs. */
  image: string;
  /** Whether a function program's JSON result is to be read back from the container. */
  returnsResult: boolean;
  /** The run's timeout, which tells a timed-out exit from the program's own exit code 124. */
  timeoutMilliseconds?: number;
  /** The published ports of a service, once it is ready. */
  endpoints?: ServiceEndpoint[];
  /**
   * Whether the run's files are bind-mounted from the run directory's `files` folder (which then goes
   * when the container does) rather than copied into the container.
   */
  filesMounted?: boolean;
}

/**
 * The files a run keeps on the caller's machine, under `<stateDirectory>/runs/<runId>/`: those of every
 * {@link RunDirectory} (record, final state, stop request, complete output) and, while it runs, the
 * copies of its files that its container mounts. Containers are removed when a run ends, so these are
 * what `icl logs` and `icl status` read later, from any process.
 */
export class DockerRunDirectory extends RunDirectory<DockerRunRecord> {
  /** The run's files staged for bind mounts, when they are mounted rather than copied in. */
  get files(): string {
    return path.join(this.root, 'files');
  }
}
