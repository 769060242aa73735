import type {
  KubernetesObject,
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Deployment,
  V1EnvVar,
  V1PolicyRule,
  V1Role,
  V1RoleBinding,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import packageJson from '../package.json' with { type: 'json' };
import type { ControllerMode } from './controller-options';
import { infernoCustomResourceDefinitions } from './custom-resource-definitions';
import { infernoGroup } from './inferno-kinds';

/** What to install. */
export interface ControllerManifestOptions {
  /** Where the controller runs (its Deployment, ServiceAccount and Lease); default `icl-system`. */
  namespace?: string;
  /** The controller's image; default `node:20-alpine`, running this package's published version with npx. */
  image?: string;
  /** Controller replicas; leader election keeps exactly one active. Default 1. */
  replicas?: number;
  mode?: ControllerMode;
  /** Scale the Deployments serving Servers (a Server's annotation can still say otherwise). */
  scaleDeployments?: boolean;
  /** An Inferno-compatible optimizer server to solve with instead of in process. */
  optimizerUrl?: string;
  /** Optimize every namespace with an Optimizer this often (`5min`); default only on request. */
  period?: string;
  /** Watch only this namespace. */
  watchNamespace?: string;
}

/** The name of everything the install creates in its namespace. */
export const controllerName = 'icl-inferno-controller';

/** The labels on everything the install creates. */
export const controllerLabels = {
  'app.kubernetes.io/name': controllerName,
  'app.kubernetes.io/part-of': controllerName,
  'app.kubernetes.io/managed-by': 'icl',
};

/** The name of the cluster-wide role and binding of an install in `namespace` (one per install). */
export function clusterRoleName(namespace: string): string {
  return `${controllerName}:${namespace}`;
}

/**
 * What the controller may do, and nothing more (verified by running it under this role in the tests):
 * read Inferno's resources; write Servers (desiredAlloc, currentAlloc) and Optimizers (answering a
 * request) and every kind's status; create Events; read and update the Deployments it scales; list pods
 * (what a Deployment runs) and nodes (which GPU model each has). The Lease is a Role of its own namespace.
 */
export function controllerClusterRules(): V1PolicyRule[] {
  return [
    {
      apiGroups: [infernoGroup],
      resources: ['accelerators', 'capacities', 'models', 'serviceclasses'],
      verbs: ['get', 'list', 'watch'],
    },
    {
      apiGroups: [infernoGroup],
      resources: ['servers', 'optimizers'],
      verbs: ['get', 'list', 'watch', 'update'],
    },
    {
      apiGroups: [infernoGroup],
      resources: [
        'accelerators/status',
        'capacities/status',
        'models/status',
        'optimizers/status',
        'servers/status',
        'serviceclasses/status',
      ],
      verbs: ['get', 'update'],
    },
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'update'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
  ];
}

/**
 * Every object `icl controller install` applies, in order: the six CRDs, the ServiceAccount, its
 * cluster-wide role and binding, the Lease role and binding, and the Deployment.
 */
export function controllerManifests(options: ControllerManifestOptions = {}): KubernetesObject[] {
  const namespace = options.namespace ?? 'icl-system';
  const metadata = { name: controllerName, namespace, labels: controllerLabels };
  const serviceAccount: V1ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata };
  const subject = { kind: 'ServiceAccount', name: controllerName, namespace };
  const clusterRole: V1ClusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: clusterRoleName(namespace), labels: controllerLabels },
    rules: controllerClusterRules(),
  };
  const clusterRoleBinding: V1ClusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: clusterRoleName(namespace), labels: controllerLabels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName(namespace) },
    subjects: [subject],
  };
  const leaseRole: V1Role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata,
    rules: [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    ],
  };
  const leaseRoleBinding: V1RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: controllerName },
    subjects: [subject],
  };
  const environment: V1EnvVar[] = [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'HOME', value: '/tmp' },
    { name: 'npm_config_cache', value: '/tmp/.npm' },
  ];
  if (options.mode) environment.push({ name: 'ICL_CONTROLLER_MODE', value: options.mode });
  if (options.scaleDeployments !== undefined)
    environment.push({ name: 'ICL_CONTROLLER_SCALE_DEPLOYMENTS', value: String(options.scaleDeployments) });
  if (options.optimizerUrl) environment.push({ name: 'ICL_OPTIMIZER_URL', value: options.optimizerUrl });
  if (options.period) environment.push({ name: 'ICL_CONTROLLER_PERIOD', value: options.period });
  if (options.watchNamespace)
    environment.push({ name: 'ICL_CONTROLLER_WATCH_NAMESPACE', value: options.watchNamespace });
  const selector = { 'app.kubernetes.io/name': controllerName };
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: controllerLabels },
        spec: {
          serviceAccountName: controllerName,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'controller',
              image: options.image ?? 'node:20-alpine',
              ...(options.image
                ? {}
                : { command: ['npx', '--yes', `${packageJson.name}@${packageJson.version}`] }),
              env: environment,
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
  return [
    ...infernoCustomResourceDefinitions(),
    serviceAccount,
    clusterRole,
    clusterRoleBinding,
    leaseRole,
    leaseRoleBinding,
    deployment,
  ];
}
