import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { BackendUnavailableError, IclError, InvalidArgumentError } from '@icl/core';
import type * as KubernetesClientLibrary from '@kubernetes/client-node';
import { kubernetesErrorMessage, kubernetesStatus } from './kubernetes-api-error';
import type { KubernetesBackendSettings } from './kubernetes-backend-settings';
import { KubernetesPermissionError } from './kubernetes-permission-error';

/** The client library, imported on first use so creating the backend (and `icl --help`) stays fast. */
export type KubernetesLibrary = typeof KubernetesClientLibrary;

/** What one API call does, so a refusal can say what was refused and what to grant. */
export interface KubernetesAction {
  /** The RBAC verb (`create`, `get`, `list`, `watch`, `patch`, `delete`). */
  verb: string;
  /** The resource as RBAC names it, with its group (`jobs.batch`, `pods/log`, `nodes`). */
  resource: string;
  /** Whether the resource is cluster-wide (nodes) rather than in the run's namespace. */
  clusterWide?: boolean;
}

/** A connected client: API objects sharing one pool of keep-alive connections, and where they point. */
export interface KubernetesClient {
  library: KubernetesLibrary;
  kubeConfig: KubernetesClientLibrary.KubeConfig;
  /** The namespace runs go to. */
  namespace: string;
  /** The API server's URL. */
  server: string;
  /** The kubeconfig context in use. */
  contextName: string;
  core: KubernetesClientLibrary.CoreV1Api;
  batch: KubernetesClientLibrary.BatchV1Api;
  apps: KubernetesClientLibrary.AppsV1Api;
}

/** How many connections to the API server one backend keeps open at most. */
const maximumConnections = 32;

/**
 * The connection to one cluster, from a kubeconfig (a file, the standard chain, or content handed over
 * by another plugin such as kind). Nothing is read or imported until the first call, and every error of a
 * call is turned into what a user can act on: an unreachable server, rejected credentials, or an RBAC
 * refusal naming the verb, resource and namespace with the `kubectl` commands that grant them.
 */
export class KubernetesConnection {
  readonly #settings: KubernetesBackendSettings;
  readonly #kubeconfigContent: string | undefined;
  readonly #backendName: string;
  #client: Promise<KubernetesClient> | undefined;
  #agent: http.Agent | undefined;

  /**
   * @param kubeconfigContent A kubeconfig as text, from a plugin that made the cluster (kind); read
   *   instead of any file.
   * @param backendName The backend's name, for errors.
   */
  constructor(
    settings: KubernetesBackendSettings,
    kubeconfigContent: string | undefined,
    backendName: string,
  ) {
    this.#settings = settings;
    this.#kubeconfigContent = kubeconfigContent;
    this.#backendName = backendName;
  }

  /** The connected client, created once. */
  client(): Promise<KubernetesClient> {
    this.#client ??= this.#connect();
    this.#client.catch(() => {
      this.#client = undefined;
    });
    return this.#client;
  }

  /**
   * Runs one API call and explains its failure.
   *
   * @throws KubernetesPermissionError when RBAC refuses it.
   * @throws BackendUnavailableError when the API server cannot be reached or rejects the credentials.
   */
  async call<T>(action: KubernetesAction, operation: (client: KubernetesClient) => Promise<T>): Promise<T> {
    const client = await this.client();
    try {
      return await operation(client);
    } catch (error) {
      throw this.explain(error, action, client);
    }
  }

  /** The error a user can act on for a failed call; other errors (404, 409) come back unchanged. */
  explain(error: unknown, action: KubernetesAction, client: KubernetesClient): unknown {
    if (IclError.isInstance(error)) return error;
    const status = kubernetesStatus(error);
    const where = `the Kubernetes API server at ${client.server} (context "${client.contextName}")`;
    if (status?.code === 403) return permissionError(action, client, status.message);
    if (status?.code === 401) {
      return new BackendUnavailableError({
        backendName: this.#backendName,
        message: `${capitalize(where)} rejected the credentials of the kubeconfig (401 Unauthorized).`,
        hint: 'Refresh the credentials of this context (log in again, or renew its token), then check with kubectl auth whoami.',
        cause: error,
      });
    }
    if (status === undefined && isConnectionFailure(error)) {
      return new BackendUnavailableError({
        backendName: this.#backendName,
        message: `Cannot reach ${where}: ${kubernetesErrorMessage(error)}`,
        hint: 'Check that the cluster is running (kubectl cluster-info), or choose another cluster with the "context" or "kubeconfig" setting.',
        isRetryable: true,
        cause: error,
      });
    }
    return error;
  }

  /**
   * Opens a streaming GET (pod logs, which client-node's helper reports without the API server's
   * reason) on the shared connection pool. Resolves with the response once it answers 200.
   *
   * @throws the explained error of a refusal (see {@link explain}), with the server's message.
   */
  async openStream(
    action: KubernetesAction,
    apiPath: string,
    query: Record<string, string>,
    signal: AbortSignal,
  ): Promise<http.IncomingMessage> {
    const client = await this.client();
    const options: https.RequestOptions = {};
    await client.kubeConfig.applyToHTTPSOptions(options);
    const url = new URL(client.server.replace(/\/+$/, '') + apiPath);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: 'GET',
          headers: options.headers ?? {},
          ...(options.auth ? { auth: options.auth } : {}),
          agent: this.#agent ?? options.agent,
          signal,
        },
        (response) => {
          if (response.statusCode === 200) {
            resolve(response);
            return;
          }
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (text: string) => {
            body += text;
          });
          response.on('error', reject);
          response.on('end', () => {
            const refusal = Object.assign(new Error(`HTTP ${response.statusCode}`), {
              code: response.statusCode ?? 0,
              body,
            });
            reject(this.explain(refusal, action, client));
          });
        },
      );
      request.on('error', (error) => reject(signal.aborted ? error : this.explain(error, action, client)));
      request.end();
    });
  }

  /** Closes the pooled connections, so the process can exit. */
  close(): void {
    this.#agent?.destroy();
  }

  async #connect(): Promise<KubernetesClient> {
    const library = await import('@kubernetes/client-node');
    const kubeConfig = new library.KubeConfig();
    this.#load(kubeConfig);
    const contextName = this.#settings.context ?? kubeConfig.getCurrentContext();
    const context = kubeConfig.getContextObject(contextName);
    if (!context) {
      const known = kubeConfig.getContexts().map((entry) => entry.name);
      throw new InvalidArgumentError({
        argument: 'context',
        message: `The kubeconfig has no context "${contextName}". It has: ${known.join(', ') || 'none'}.`,
        hint: 'Set the "context" setting to one of them, or check KUBECONFIG and the "kubeconfig" setting.',
      });
    }
    kubeConfig.setCurrentContext(contextName);
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) {
      throw new InvalidArgumentError({
        argument: 'context',
        message: `The kubeconfig context "${contextName}" names a cluster that the kubeconfig does not define.`,
        hint: 'Fix the kubeconfig (kubectl config view), or choose another context.',
      });
    }
    const agent = await sharedAgent(kubeConfig);
    this.#agent = agent;
    const authentication: KubernetesClientLibrary.SecurityAuthentication = {
      getName: () => 'kubeconfig, with a shared pool of keep-alive connections',
      applySecurityAuthentication: async (request) => {
        await kubeConfig.applySecurityAuthentication(request);
        if (agent) request.setAgent(agent);
      },
    };
    const configuration = library.createConfiguration({
      baseServer: new library.ServerConfiguration(cluster.server, {}),
      authMethods: { default: authentication },
    });
    return {
      library,
      kubeConfig,
      namespace: this.#settings.namespace ?? context.namespace ?? 'default',
      server: cluster.server,
      contextName,
      core: new library.CoreV1Api(configuration),
      batch: new library.BatchV1Api(configuration),
      apps: new library.AppsV1Api(configuration),
    };
  }

  #load(kubeConfig: KubernetesClientLibrary.KubeConfig): void {
    if (this.#kubeconfigContent !== undefined) {
      kubeConfig.loadFromString(this.#kubeconfigContent);
      return;
    }
    const files = (this.#settings.kubeconfig ?? process.env.KUBECONFIG ?? '')
      .split(path.delimiter)
      .filter((file) => file !== '')
      .map((file) => file.replace(/^~(?=$|\/)/, os.homedir()));
    const origin = this.#settings.kubeconfig === undefined ? 'KUBECONFIG' : 'the "kubeconfig" setting';
    for (const file of files) {
      if (!existsSync(file)) {
        throw new InvalidArgumentError({
          argument: this.#settings.kubeconfig === undefined ? 'KUBECONFIG' : 'kubeconfig',
          message: `The kubeconfig ${file} (from ${origin}) does not exist.`,
          hint: 'Point it at an existing kubeconfig file, for example ~/.kube/config.',
        });
      }
    }
    if (files.length > 0) {
      const [first, ...rest] = files;
      kubeConfig.loadFromFile(first!);
      for (const file of rest) {
        const other = new (kubeConfig.constructor as new () => KubernetesClientLibrary.KubeConfig)();
        other.loadFromFile(file);
        kubeConfig.mergeConfig(other);
      }
      return;
    }
    const homeConfig = path.join(os.homedir(), '.kube', 'config');
    const inCluster = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
    if (!existsSync(homeConfig) && !inCluster) {
      throw new BackendUnavailableError({
        backendName: this.#backendName,
        message: `No kubeconfig: KUBECONFIG is not set, ${homeConfig} does not exist, and this is not a pod with a service account.`,
        hint: 'Set KUBECONFIG (or the "kubeconfig" setting) to the kubeconfig of your cluster; kind, eksctl and gcloud write one for you.',
      });
    }
    kubeConfig.loadFromDefault();
  }
}

/**
 * One agent for every API call, with keep-alive, built from the TLS options the kubeconfig gives. The
 * library creates a new agent (and so a new TLS connection) for every request otherwise, which costs
 * more than the request itself when many runs are submitted. Undefined for proxied clusters, whose
 * agents the library keeps making.
 */
async function sharedAgent(kubeConfig: KubernetesClientLibrary.KubeConfig): Promise<http.Agent | undefined> {
  const options: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const made = options.agent;
  if (made instanceof https.Agent) {
    return new https.Agent({ ...made.options, keepAlive: true, maxSockets: maximumConnections });
  }
  if (made instanceof http.Agent && made.constructor === http.Agent) {
    return new http.Agent({ keepAlive: true, maxSockets: maximumConnections });
  }
  return undefined;
}

function permissionError(
  action: KubernetesAction,
  client: KubernetesClient,
  serverMessage: string | undefined,
): KubernetesPermissionError {
  const subject = grantSubject(serverMessage);
  const where = action.clusterWide ? 'in the cluster' : `in namespace "${client.namespace}"`;
  const grant = action.clusterWide
    ? `kubectl create clusterrole icl-${action.verb}-${roleSuffix(action.resource)} --verb=${action.verb} --resource=${action.resource} && kubectl create clusterrolebinding icl-${action.verb}-${roleSuffix(action.resource)} --clusterrole=icl-${action.verb}-${roleSuffix(action.resource)} ${subject}`
    : `kubectl create role icl-runner -n ${client.namespace} --verb=get,list,watch,create,patch,delete --resource=jobs.batch,deployments.apps,services,pods,pods/log,pods/portforward,configmaps,secrets,events && kubectl create rolebinding icl-runner -n ${client.namespace} --role=icl-runner ${subject}`;
  return new KubernetesPermissionError({
    verb: action.verb,
    resource: action.resource,
    ...(action.clusterWide ? {} : { namespace: client.namespace }),
    message: `Kubernetes RBAC does not allow ICL to ${action.verb} ${action.resource} ${where} (context "${client.contextName}")${serverMessage ? `: ${serverMessage}` : '.'}`,
    hint: `Ask a cluster admin to grant it, for example: ${grant}`,
  });
}

/** The `--user`/`--serviceaccount` flag for the subject the API server names in its refusal. */
function grantSubject(serverMessage: string | undefined): string {
  const user = /User "([^"]+)"/.exec(serverMessage ?? '')?.[1];
  if (!user) return '--user=<your user>';
  const serviceAccount = /^system:serviceaccount:([^:]+):(.+)$/.exec(user);
  return serviceAccount ? `--serviceaccount=${serviceAccount[1]}:${serviceAccount[2]}` : `--user=${user}`;
}

function roleSuffix(resource: string): string {
  return resource.replace(/[^a-z0-9]+/g, '-');
}

function isConnectionFailure(error: unknown): boolean {
  const text = `${(error as { code?: unknown })?.code ?? ''} ${(error as { message?: unknown })?.message ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|EAI_AGAIN|socket hang up|certificate|self.signed|ERR_TLS/i.test(
    text,
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
