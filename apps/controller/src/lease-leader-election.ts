import { isConflict, isNotFound, kubernetesErrorMessage } from '@icl/plugin-kubernetes';
import { type CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';

/** Options of {@link LeaseLeaderElector}. */
export interface LeaseLeaderElectorOptions {
  coordination: CoordinationV1Api;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMilliseconds: number;
  renewDeadlineMilliseconds: number;
  retryPeriodMilliseconds: number;
  /** Called when this replica becomes the leader. */
  onStartedLeading: () => void;
  /** Called when it stops being the leader (renewal failed past the deadline, or stop()). */
  onStoppedLeading: () => void;
  onError: (message: string) => void;
}

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, the way Kubernetes' own controllers do it:
 *
 * - a candidate takes the Lease when it is free, or when its holder has not renewed it for
 *   `leaseDuration`, measured on this replica's own clock from when it last saw the Lease change (so clock
 *   skew between machines does not matter);
 * - every write is an update with the Lease's resourceVersion, so of two candidates at most one succeeds;
 * - the leader renews every `retryPeriod` and considers itself the leader only while its last renewal is
 *   younger than `renewDeadline`, which is shorter than `leaseDuration`: by the time another replica may
 *   take over, the old leader has stopped writing.
 *
 * On stop, a leader releases the Lease so a successor need not wait for it to expire.
 */
export class LeaseLeaderElector {
  readonly #options: LeaseLeaderElectorOptions;
  #observedRecord = '';
  #observedAt = 0;
  #lastRenewal = 0;
  #leading = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #attempt: Promise<void> | undefined;

  constructor(options: LeaseLeaderElectorOptions) {
    this.#options = options;
  }

  /** Whether this replica holds the Lease now and may write. */
  isLeader(): boolean {
    return this.#leading && Date.now() - this.#lastRenewal < this.#options.renewDeadlineMilliseconds;
  }

  /** Starts competing for the Lease. */
  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops competing and, when leading, releases the Lease. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#attempt;
    if (this.#leading) {
      this.#setLeading(false);
      await this.#release().catch((error) =>
        this.#options.onError(`Releasing the lease failed: ${kubernetesErrorMessage(error)}`),
      );
    }
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#attempt = this.#tick().finally(() => {
        this.#attempt = undefined;
        this.#schedule(this.#options.retryPeriodMilliseconds);
      });
    }, delay);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    let acquired = false;
    try {
      acquired = await this.#tryAcquireOrRenew();
    } catch (error) {
      this.#options.onError(
        `Leader election on lease ${this.#where()} failed: ${kubernetesErrorMessage(error)}`,
      );
    }
    if (this.#stopped) return;
    if (acquired) {
      this.#lastRenewal = Date.now();
      if (!this.#leading) this.#setLeading(true);
    } else if (this.#leading && !this.isLeader()) {
      this.#setLeading(false);
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { coordination, namespace, name, identity } = this.#options;
    const now = Date.now();
    let lease: V1Lease;
    try {
      lease = await coordination.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await coordination.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: this.#leaseSeconds(),
              acquireTime: new V1MicroTime(now),
              renewTime: new V1MicroTime(now),
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (createError) {
        if (kubernetesErrorMessage(createError).includes('already exists') || isConflict(createError))
          return false;
        throw createError;
      }
    }
    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, lease.metadata?.resourceVersion]);
    if (record !== this.#observedRecord) {
      this.#observedRecord = record;
      this.#observedAt = now;
    }
    const holder = spec.holderIdentity ?? '';
    const leaseMilliseconds = (spec.leaseDurationSeconds ?? this.#leaseSeconds()) * 1000;
    if (holder && holder !== identity && this.#observedAt + leaseMilliseconds > now) return false;
    const taking = holder !== identity;
    const updated: V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: this.#leaseSeconds(),
        renewTime: new V1MicroTime(now),
        ...(taking
          ? { acquireTime: new V1MicroTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }
          : {}),
      },
    };
    try {
      const written = await coordination.replaceNamespacedLease({ name, namespace, body: updated });
      this.#observedRecord = JSON.stringify([
        written.spec?.holderIdentity,
        written.spec?.renewTime,
        written.metadata?.resourceVersion,
      ]);
      this.#observedAt = now;
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  async #release(): Promise<void> {
    const { coordination, namespace, name, identity } = this.#options;
    const lease = await coordination.readNamespacedLease({ name, namespace });
    if (lease.spec?.holderIdentity !== identity) return;
    await coordination.replaceNamespacedLease({
      name,
      namespace,
      body: {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: new V1MicroTime(Date.now()),
        },
      },
    });
  }

  #setLeading(leading: boolean): void {
    this.#leading = leading;
    if (leading) this.#options.onStartedLeading();
    else this.#options.onStoppedLeading();
  }

  #leaseSeconds(): number {
    return Math.max(1, Math.ceil(this.#options.leaseDurationMilliseconds / 1000));
  }

  #where(): string {
    return `${this.#options.namespace}/${this.#options.name}`;
  }
}
