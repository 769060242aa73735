import { setLongInterval } from '@icl/core';
import { kubernetesErrorMessage } from '@icl/plugin-kubernetes';
import {
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ListPromise,
  makeInformer,
  type ObjectCache,
} from '@kubernetes/client-node';

/** What happened to a watched object; `resync` re-delivers a cached object on the resync period. */
export type InformerEventType = 'add' | 'update' | 'delete' | 'resync';

/** Options of {@link ResourceInformer}. */
export interface ResourceInformerOptions<T extends KubernetesObject> {
  /** What is watched, for logs (`Optimizers`). */
  description: string;
  kubeConfig: KubeConfig;
  /** The collection's REST path (`/apis/inferno.platform.ai/v1alpha1/namespaces/x/optimizers`). */
  path: string;
  /** Lists the collection (the informer's first read, and its re-reads after a watch expires). */
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  /** Re-deliver every cached object this often (0: never). */
  resyncMilliseconds: number;
  onEvent: (type: InformerEventType, object: T) => void;
  onError: (message: string) => void;
}

/**
 * A watch-based cache of one collection: it lists once, then follows the API server's watch, so every
 * change arrives as an event without polling; when the watch breaks (the API server restarted, a network
 * error, the kind is not installed yet) it starts again with a growing delay. Every `resyncMilliseconds`
 * the cached objects are delivered again, so a change whose handling failed is retried from the cache.
 */
export class ResourceInformer<T extends KubernetesObject> {
  readonly #options: ResourceInformerOptions<T>;
  readonly #informer: Informer<T> & ObjectCache<T>;
  #stopped = false;
  #failures = 0;
  #synced = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #stopResync: (() => void) | undefined;

  constructor(options: ResourceInformerOptions<T>) {
    this.#options = options;
    this.#informer = makeInformer(
      options.kubeConfig,
      options.path,
      options.list as ListPromise<T>,
      options.labelSelector,
    );
    this.#informer.on('add', (object) => this.#deliver('add', object));
    this.#informer.on('update', (object) => this.#deliver('update', object));
    this.#informer.on('delete', (object) => this.#deliver('delete', object));
    this.#informer.on('connect', () => {
      this.#failures = 0;
    });
    this.#informer.on('error', (error) => this.#restartAfterFailure(error));
  }

  /** Starts watching; resolves once the first list has been read or has failed (then it keeps trying). */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#startInformer();
    if (this.#options.resyncMilliseconds > 0) {
      this.#stopResync = setLongInterval(
        () => {
          for (const object of this.#informer.list()) this.#deliver('resync', object);
        },
        this.#options.resyncMilliseconds,
        { keepAlive: false },
      );
    }
  }

  /** Whether the cache holds a complete list. */
  get hasSynced(): boolean {
    return this.#synced;
  }

  /** The cached objects, of one namespace or all. */
  list(namespace?: string): readonly T[] {
    return this.#informer.list(namespace);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    this.#stopResync?.();
    await this.#informer.stop();
  }

  async #startInformer(): Promise<void> {
    let failed = false;
    const onError = () => {
      failed = true;
    };
    this.#informer.on('error', onError);
    try {
      await this.#informer.start();
    } catch (error) {
      if (!failed) this.#restartAfterFailure(error);
      failed = true;
    } finally {
      this.#informer.off('error', onError);
    }
    if (!failed) this.#synced = true;
  }

  #restartAfterFailure(error: unknown): void {
    if (this.#stopped) return;
    this.#failures++;
    const delay = Math.min(500 * 2 ** Math.min(this.#failures - 1, 6), 30_000);
    this.#options.onError(
      `Watching ${this.#options.description} failed (${kubernetesErrorMessage(error)}); trying again in ${delay} ms.`,
    );
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      if (!this.#stopped) void this.#startInformer();
    }, delay);
    this.#restartTimer.unref();
  }

  #deliver(type: InformerEventType, object: T): void {
    if (this.#stopped) return;
    this.#options.onEvent(type, object);
  }
}
