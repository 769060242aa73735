import { checkBackendSettings, type SettingKind, settingKinds } from '@icl/backend-kit';
import { InvalidArgumentError } from '@icl/core';

/** A toleration added to every pod, as Kubernetes writes it. */
export interface PodToleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/**
 * Settings of the Kubernetes backend, from code or from an infrastructure in the settings file. All are
 * optional: with nothing set it uses the cluster the standard kubeconfig chain points at (`KUBECONFIG`,
 * else `~/.kube/config`, else the service account of the pod it runs in), in the context's namespace.
 */
export type KubernetesBackendSettings = {
  /**
   * The kubeconfig file, or several joined like `KUBECONFIG` (`a.yaml:b.yaml`). Default: `KUBECONFIG`,
   * else `~/.kube/config`, else the in-cluster service account.
   */
  kubeconfig?: string;
  /** The kubeconfig context to use. Default: the kubeconfig's current context. */
  context?: string;
  /** The namespace runs are created in. Default: the context's namespace, else `default`. */
  namespace?: string;
  /**
   * The image of runtimes that name none. Default `python:3.12-slim`. The cluster's nodes must be able to
   * get it: from a registry they reach, or loaded into them (kind, the testbed's node).
   */
  image?: string;
  /** When nodes pull images: `IfNotPresent` (default, so loaded images are used), `Always` or `Never`. */
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /**
   * A command that makes an image ICL built available to the cluster's nodes. It receives the image as a
   * `docker save` archive on standard input; `{image}` in any argument is replaced by the image's name.
   * For kind: `["kind", "load", "image-archive", "/dev/stdin", "--name", "dev"]`; for a containerd node:
   * `["ctr", "--address", "/run/containerd/containerd.sock", "-n", "k8s.io", "images", "import", "-"]`.
   */
  imageLoad?: string[];
  /**
   * A registry (`registry.example.com/team`) that built images are pushed to and pulled from, instead of
   * being loaded with `imageLoad`.
   */
  imageRegistry?: string;
  /** Labels a node must have to run ICL's pods (`{ "kubernetes.io/hostname": "gpu-1" }`). */
  nodeSelector?: Record<string, string>;
  /** Tolerations added to every pod, for nodes tainted for dedicated use. */
  tolerations?: PodToleration[];
  /** The service account pods run as. Default: the namespace's `default`. */
  serviceAccount?: string;
  /** Secrets holding registry credentials for private images. */
  imagePullSecrets?: string[];
  /** Seconds a stopped program gets between SIGTERM and SIGKILL (`terminationGracePeriodSeconds`). Default 5. */
  graceSeconds?: number;
  /**
   * Seconds a pod may stay unschedulable before the run fails with the scheduler's reason. Default 20.
   * `0` waits for as long as it takes, for clusters that add nodes on demand or runs that queue for GPUs.
   */
  schedulingTimeoutSeconds?: number;
  /** Keep finished Jobs and their pods for `kubectl` instead of deleting them once ICL recorded the end. */
  keepJobs?: boolean;
  /** The extended resource GPUs are requested as. Default `nvidia.com/gpu`. */
  gpuResource?: string;
  /** The node label naming the GPU model, as NVIDIA's GPU feature discovery sets it. Default `nvidia.com/gpu.product`. */
  gpuProductLabel?: string;
  /** Where run records and logs are kept; overrides the host's choice. */
  stateDirectory?: string;
  /** Where caches are kept; overrides the host's choice. */
  cacheDirectory?: string;
};

/** A list of tolerations, as pods take them: `{ key, operator, value, effect, tolerationSeconds }`. */
const tolerationList: SettingKind = {
  description: 'a list of tolerations ({ key, operator, value, effect })',
  accepts: (value) => Array.isArray(value) && value.every(isToleration),
};

const kinds: Readonly<Record<keyof KubernetesBackendSettings, SettingKind>> = {
  kubeconfig: settingKinds.string,
  context: settingKinds.string,
  namespace: settingKinds.string,
  image: settingKinds.string,
  imagePullPolicy: settingKinds.string,
  imageLoad: settingKinds.stringList,
  imageRegistry: settingKinds.string,
  nodeSelector: settingKinds.stringMap,
  tolerations: tolerationList,
  serviceAccount: settingKinds.string,
  imagePullSecrets: settingKinds.stringList,
  graceSeconds: settingKinds.number,
  schedulingTimeoutSeconds: settingKinds.number,
  keepJobs: settingKinds.boolean,
  gpuResource: settingKinds.string,
  gpuProductLabel: settingKinds.string,
  stateDirectory: settingKinds.string,
  cacheDirectory: settingKinds.string,
};

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const namespacePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks settings that may come from a YAML file or `ICL_INFRA_<NAME>_<SETTING>` variables, so a typo or
 * a wrong type is reported by name instead of being ignored.
 *
 * @throws InvalidArgumentError naming the setting and what it must be.
 */
export function checkKubernetesBackendSettings(settings: Record<string, unknown>): KubernetesBackendSettings {
  const checked = checkBackendSettings<KubernetesBackendSettings>(settings, kinds, 'Kubernetes backend');
  for (const key of ['graceSeconds', 'schedulingTimeoutSeconds'] as const) {
    const value = checked[key];
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new InvalidArgumentError({
        argument: key,
        message: `The Kubernetes backend setting "${key}" must be 0 or more, not ${value}.`,
        hint: 'Give a number of seconds, for example 5.',
      });
    }
  }
  if (checked.imagePullPolicy !== undefined && !pullPolicies.includes(checked.imagePullPolicy)) {
    throw new InvalidArgumentError({
      argument: 'imagePullPolicy',
      message: `The Kubernetes backend setting "imagePullPolicy" must be one of ${pullPolicies.join(', ')}, not ${JSON.stringify(checked.imagePullPolicy)}.`,
      hint: 'Use IfNotPresent (the default) for images loaded into the nodes.',
    });
  }
  if (checked.namespace !== undefined && !namespacePattern.test(checked.namespace)) {
    throw new InvalidArgumentError({
      argument: 'namespace',
      message: `"${checked.namespace}" is not a Kubernetes namespace name.`,
      hint: 'Use lower-case letters, digits and dashes, for example ml-jobs.',
    });
  }
  if (checked.imageLoad !== undefined && checked.imageLoad.length === 0) {
    throw new InvalidArgumentError({
      argument: 'imageLoad',
      message: 'The Kubernetes backend setting "imageLoad" is an empty command.',
      hint: 'Give the command and its arguments, for example ["kind", "load", "image-archive", "/dev/stdin"].',
    });
  }
  return checked;
}

function isToleration(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const known = new Set(['key', 'operator', 'value', 'effect', 'tolerationSeconds']);
  return Object.entries(value).every(([key, entry]) =>
    key === 'tolerationSeconds' ? typeof entry === 'number' : known.has(key) && typeof entry === 'string',
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
