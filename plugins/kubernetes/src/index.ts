/**
 * `@icl/plugin-kubernetes`: programs as Jobs and services as Deployments on any Kubernetes cluster a
 * kubeconfig reaches, with GPUs placed by model, status from watches, unschedulable requests explained,
 * and finished runs readable after their pods are gone. The kind, EKS and GKE plugins build on it with
 * `createKubernetesBackend(settings, context, { name, kubeconfig })`.
 */
export {
  createKubernetesBackend,
  type KubernetesBackendOptions,
} from './create-kubernetes-backend';
export { type GpuPlacement, gpuPlacement } from './gpu-placement';
export {
  isConflict,
  isNotFound,
  type KubernetesStatus,
  kubernetesErrorMessage,
  kubernetesStatus,
  kubernetesStatusCode,
} from './kubernetes-api-error';
export type { KubernetesBackendSettings, PodToleration } from './kubernetes-backend-settings';
export {
  KubernetesPermissionError,
  type KubernetesPermissionErrorOptions,
} from './kubernetes-permission-error';
export { iclLabels } from './ownership-labels';
export { buildRunManifests, type RunManifestOptions, type RunManifests } from './run-manifests';
export { runObjectName } from './run-object-name';
export type { RuntimeImageBuilder } from './runtime-image-builder';
export { explainSchedulingFailure } from './scheduling-failure';
