/**
 * `@icl/controller`: a Kubernetes controller for Inferno's custom resources (`inferno.platform.ai`,
 * v1alpha1). When an Optimizer asks (`spec.optimize: true`) or on a period, it solves the GPU allocation of
 * the Optimizer's namespace with `@icl/optimizer` (or an Inferno-compatible optimizer server), writes each
 * Server's `desiredAlloc`, explains every server left out and every malformed resource in its status and
 * in Events, and optionally scales the Deployment serving each Server and records its `currentAlloc`.
 * Replicas elect a leader on a Lease so exactly one writes. `installController` applies its CRDs,
 * least-privilege RBAC and Deployment.
 */
export type { AllocationSolver } from './allocation-solver';
export {
  type ControllerManifestOptions,
  clusterRoleName,
  controllerClusterRules,
  controllerLabels,
  controllerManifests,
  controllerName,
} from './controller-manifests';
export {
  type ControllerLogEntry,
  type ControllerMode,
  type ControllerOptions,
  type ControllerSettings,
  type LeaderElectionOptions,
  resolveControllerSettings,
} from './controller-options';
export {
  type CustomResourceDefinitionManifest,
  infernoCustomResourceDefinitions,
  type JsonSchema,
} from './custom-resource-definitions';
export {
  containerAnnotation,
  deploymentAnnotation,
  scaleDeploymentAnnotation,
  serverLabel,
} from './deployment-scaling';
export { eventComponent } from './event-recorder';
export { gpuProductAnnotation, gpuProductLabel, gpuResource } from './gpu-product';
export { createInProcessSolver } from './in-process-solver';
export { InfernoController, startController } from './inferno-controller';
export {
  describeResource,
  type InfernoKind,
  type InfernoResource,
  infernoGroup,
  infernoKinds,
  infernoPlurals,
  infernoVersion,
} from './inferno-kinds';
export { desiredAllocation, type OptimizationReport } from './inferno-reconciler';
export {
  type ControllerInstallOptions,
  type ControllerInstallReport,
  installController,
  installCustomResourceDefinitions,
  uninstallController,
} from './install-controller';
export type { ResourceCondition } from './resource-condition';
export { createRestOptimizerSolver } from './rest-optimizer-solver';
