/**
 * `@icl/backend-kit`: building blocks for authors of ICL backends whose runs live in a remote system (a
 * Docker daemon, a Kubernetes cluster) that forgets them once they end. The run's directory on the
 * caller's machine, where the first process to see the end records it; files replaced atomically; log
 * decoding that resumes from byte offsets; abort-signal helpers; the container command of a program; and
 * the checks every backend makes of a run request.
 */
export { abortable } from './abortable';
export { anySignal } from './any-signal';
export { checkBackendSettings, type SettingKind, settingKinds } from './check-backend-settings';
export { checkRunId } from './check-run-id';
export { type CheckServiceOptionsSettings, checkServiceOptions } from './check-service-options';
export {
  type ContainerCommand,
  containerCommand,
  type ProgramPaths,
  programCommand,
} from './container-command';
export { iclPath, resultPath, workspacePath } from './container-paths';
export { createFileExclusively } from './create-file-exclusively';
export { createRunBackend, type RunBackendContext } from './create-run-backend';
export { type EndedObservation, endedRunState, type FunctionResult, hasEnded } from './ended-run-state';
export { defaultBackendContext, type IclDirectories, resolveIclDirectories } from './icl-directories';
export { LogDecoder } from './log-decoder';
export { type NvidiaSmiGpu, nvidiaSmiGpuQuery, parseNvidiaSmiGpus } from './nvidia-smi-gpus';
export {
  announceForwardedPorts,
  type ForwardedPorts,
  type ListeningPorts,
  listenForPorts,
  type PortForwarderStart,
  startPortForwarder,
  stopPortForwarder,
} from './port-forwarder';
export { pythonFunctionBootstrap } from './python-function-bootstrap';
export { readJsonFile } from './read-json-file';
export { amdGpuIdPrefix, parseRocmSmiGpus, rocmSmiGpuQuery } from './rocm-smi-gpus';
export { type OutputBytes, RunDirectory } from './run-directory';
export type { RunDriver, RunObservation, RunSubmitContext } from './run-driver';
export { runtimeDockerfile, runtimeNeedsBuild, virtualEnvironmentPath } from './runtime-dockerfile';
export type { StopRequest } from './stop-request';
export { temporaryName } from './temporary-name';
export { type Readiness, type ReadinessCheck, waitForServiceReadiness } from './wait-for-service-readiness';
export { shipsFolders, type WorkspaceEntry, workspaceEntries } from './workspace-entries';
export { writeFileAtomically } from './write-file-atomically';
