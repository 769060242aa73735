import { createHash } from 'node:crypto';
import { iclPath, runtimeDockerfile, runtimeNeedsBuild, workspacePath } from '@icl/backend-kit';
import { type ProgressEventV1, type RunRequestV1, RuntimeBuildError } from '@icl/core';
import { type SshConnections, shellQuote } from './ssh-connections';
import type { SshHost } from './ssh-host';

/**
 * Runs with an image on an SSH host go to the host's own Docker daemon, the one its login reaches with
 * `docker` (the `docker` group, or `DOCKER_HOST` in the login's environment): the host keeps the image
 * and the container, so nothing goes through the connection but the run's files and output.
 *
 * The container is started by the run's supervisor like any program, so the supervisor's timeout,
 * cancel and exit record apply as they are; it is named `icl-<run id>` so stopping the run stops it, runs
 * as the login's user (files it writes stay the login's) with the run's workspace at `/workspace`, and
 * shares the host's network, so a service's port is the host's as without an image.
 */
export const containerMarkerFile = 'container';

/**
 * Makes the run's image present on the host: `$1` the image to run; `$2` the base image and `$3` a
 * Dockerfile when the runtime installs packages (then `$1` is the tag it is built as, once per runtime;
 * empty otherwise). Prints `reused` when it was there, `pulled` or `built` when it was made.
 */
const prepareImageScript = `
image="$1"; base="$2"; dockerfile="$3"
if docker image inspect "$image" > /dev/null 2>&1; then echo reused; exit 0; fi
if [ -z "$dockerfile" ]; then
  docker pull -q "$image" > /dev/null && echo pulled
  exit
fi
docker image inspect "$base" > /dev/null 2>&1 || docker pull -q "$base" > /dev/null || exit
printf '%s' "$dockerfile" | docker build -q -t "$image" - > /dev/null && echo built
`;

/**
 * The image a run's container is created from on the host, pulled or built there if it is missing: the
 * runtime's image as it is, or, when the runtime installs packages, an image built from it once per
 * runtime (`icl-runtime:<runtime hash>-<base digest>`, as the docker backend tags it) and reused.
 *
 * @throws RuntimeBuildError with the daemon's last lines when the pull or the build fails.
 */
export async function prepareHostImage(
  connections: SshConnections,
  host: SshHost,
  request: RunRequestV1,
  onProgress: ((event: ProgressEventV1) => void) | undefined,
): Promise<string> {
  const base = request.runtime.image!;
  const builds = runtimeNeedsBuild(request.runtime);
  const image = builds
    ? `icl-runtime:${request.runtimeHash}-${createHash('sha256').update(base).digest('hex').slice(0, 8)}`
    : base;
  onProgress?.({
    phase: 'runtime',
    message: builds
      ? `Preparing image ${image} from ${base} on ${host.name}`
      : `Preparing image ${image} on ${host.name}`,
  });
  const result = await connections.run(host, prepareImageScript, [
    image,
    base,
    builds ? runtimeDockerfile(request.runtime, base) : '',
  ]);
  const outcome = result.stdout.trim().split('\n').at(-1);
  if (result.code !== 0 || !outcome) {
    throw new RuntimeBuildError({
      runtimeHash: request.runtimeHash,
      message: `${builds ? 'Building' : 'Pulling'} ${builds ? `the runtime's image from ${base}` : image} on ${host.name} failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`,
      hint: builds
        ? 'Check the package names, and that the host reaches the image registry and the package index.'
        : "Check the image's name, and that the host's Docker daemon reaches its registry (docker login on the host for a private one).",
    });
  }
  onProgress?.({
    phase: 'runtime',
    message: `${outcome === 'reused' ? 'Reusing' : outcome === 'built' ? 'Built' : 'Pulled'} image ${image} on ${host.name}`,
    done: true,
    ...(outcome === 'reused' ? { reused: true } : {}),
  });
  return image;
}

/**
 * The `command` file's last line for a run in a container: `docker run` of the image with the run's
 * environment passed by name (values stay out of the process list), the workspace and ICL's files
 * mounted where the container paths say, and the GPUs the supervisor claimed handed to the container
 * (NVIDIA's through `--gpus`, which renumbers them from 0 inside; AMD's through the ROCm devices).
 */
export function containerRunLines(
  request: RunRequestV1,
  image: string,
  argv: readonly string[],
  environmentNames: readonly string[],
): string[] {
  return [
    'set --',
    'if [ -n "$CUDA_VISIBLE_DEVICES" ]; then set -- --gpus "\\"device=$CUDA_VISIBLE_DEVICES\\""; unset CUDA_VISIBLE_DEVICES; fi',
    'if [ -n "$ROCR_VISIBLE_DEVICES" ]; then set -- "$@" --device=/dev/kfd --device=/dev/dri -e ROCR_VISIBLE_DEVICES; fi',
    [
      'exec docker run --rm --init --network host',
      `--name ${shellQuote(`icl-${request.runId}`)}`,
      `--label ${shellQuote(`icl.run-id=${request.runId}`)}`,
      '--user "$(id -u):$(id -g)"',
      `-v "$PWD:${workspacePath}" -v "$PWD/../icl:${iclPath}" -w ${workspacePath}`,
      ...environmentNames.map((name) => `-e ${shellQuote(name)}`),
      '"$@"',
      shellQuote(image),
      ...argv.map(shellQuote),
    ].join(' '),
  ];
}
