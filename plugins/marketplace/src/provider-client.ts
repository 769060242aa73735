import type { ManifestGroup } from '@icl/manifest';
import type { MarketplaceKey } from './marketplace-key';
import type { LeaseEventRecord, LeaseLogRecord, LeaseStatusRecord } from './provider-records';
import { SignedHttpClient } from './signed-http-client';

/**
 * A provider's HTTP API, for the tenant of a lease. Every call about a lease is signed with the
 * tenant's key; the provider answers 403 to any other key.
 *
 * | Method and path | What |
 * | --- | --- |
 * | `GET /status` | the provider's offer and free capacity (public) |
 * | `PUT /leases/{id}/manifest` | send (or update) the services to run |
 * | `GET /leases/{id}` | the lease's services, replicas and URIs |
 * | `GET /leases/{id}/events` | what happened to the lease |
 * | `GET /leases/{id}/logs?follow=true&service=S` | the services' output, NDJSON lines |
 * | `DELETE /leases/{id}` | stop the services and close the lease |
 */
export class ProviderClient {
  readonly http: SignedHttpClient;

  constructor(
    readonly url: string,
    key: MarketplaceKey,
  ) {
    this.http = new SignedHttpClient(url, key, `the provider at ${url}`);
  }

  sendManifest(leaseId: string, group: ManifestGroup): Promise<LeaseStatusRecord> {
    return this.http.json('PUT', `/leases/${encodeURIComponent(leaseId)}/manifest`, { body: { group } });
  }

  status(leaseId: string): Promise<LeaseStatusRecord> {
    return this.http.json('GET', `/leases/${encodeURIComponent(leaseId)}`);
  }

  events(leaseId: string): Promise<LeaseEventRecord[]> {
    return this.http.json('GET', `/leases/${encodeURIComponent(leaseId)}/events`);
  }

  close(leaseId: string): Promise<LeaseStatusRecord> {
    return this.http.json('DELETE', `/leases/${encodeURIComponent(leaseId)}`);
  }

  /** The lease's output from the start; with `follow`, until the services end or `signal` aborts. */
  async *logs(
    leaseId: string,
    options: { follow?: boolean; service?: string; signal?: AbortSignal } = {},
  ): AsyncGenerator<LeaseLogRecord> {
    const parameters = new URLSearchParams();
    if (options.follow) parameters.set('follow', 'true');
    if (options.service) parameters.set('service', options.service);
    const response = await this.http.request(
      'GET',
      `/leases/${encodeURIComponent(leaseId)}/logs?${parameters}`,
      {
        timeoutMilliseconds: options.follow ? 2 ** 31 - 1 : 60_000,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    if (!response.body) return;
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline = pending.indexOf('\n');
        while (newline !== -1) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (line.trim()) yield JSON.parse(line) as LeaseLogRecord;
          newline = pending.indexOf('\n');
        }
      }
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
  }
}
