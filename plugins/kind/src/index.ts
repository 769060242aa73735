export { createKindBackend, type KindBackendSettings } from './create-kind-backend';
export { kindClusterConfiguration } from './kind-cluster-configuration';
export { checkKindClusterInputs, type KindClusterInputs } from './kind-cluster-inputs';
export {
  type KindClusterOutputs,
  kindClusterProvider,
  kindClusterType,
  listKindClusters,
} from './kind-cluster-provider';
export { KindCommandError, type KindCommandOptions, runKind } from './kind-command';
