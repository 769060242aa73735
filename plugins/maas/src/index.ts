/**
 * `@icl/plugin-maas`: bare metal from MAAS. A MAAS 2.0 API client (OAuth 1.0 PLAINTEXT, the key from
 * `MAAS_API_KEY`, never stored), the `maas:Machine` resource type (`icl apply` allocates machines by
 * constraints, deploys them with your SSH key and waits until they are Deployed; `icl destroy` releases
 * them), and the `maas` backend, which runs programs on a stack's deployed machines over SSH.
 */
export { createMaasBackend, type MaasBackendSettings } from './create-maas-backend';
export {
  MaasClient,
  type MaasConstraints,
  type MaasEvent,
  type MaasMachine,
  maasStatus,
} from './maas-client';
export type { MaasMachineInputs } from './maas-machine-inputs';
export {
  type MaasMachineOutputs,
  type MaasMachineProviderOptions,
  maasMachineProvider,
  maasMachineType,
} from './maas-machine-provider';
