// The Kubernetes config source: Istio custom resources and the Services, EndpointSlices (or
// Endpoints), Pods and Namespaces of a cluster, followed live through one reflector per resource.
//
// Contract (see ConfigSource): one SourceUpdate per object, origin `k8s://<Kind>/<ns>/<name>`
// (see object-updates.ts); a deleted object yields `removed: true`. start() resolves once every
// resource has been listed and that initial state delivered in one batch, so the first push sees
// a synced cluster. Later changes are delivered in small batches (removals first), with at most
// one update per origin per batch.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ConfigSource, SourceUpdate } from '../types.js';
import { KubeHttp } from './kube-http.js';
import { loadKubeConfig, type KubeConfigChoice } from './load-kube-config.js';
import { removalUpdate, upsertUpdate } from './object-updates.js';
import { Reflector, type ReflectorOptions } from './reflector.js';
import { watchedResources, type WatchedResource } from './watched-resources.js';

export interface KubernetesSourceOptions extends KubeConfigChoice {
  /** Ready-made credentials; wins over `kubeconfig`/`context`. */
  kubeConfig?: KubeConfig;
  /** start() rejects when the initial sync takes longer (default 120 s). */
  initialSyncTimeoutMs?: number;
  /** Changes arriving within this window are delivered together (default 20 ms). */
  batchMs?: number;
  /** Connection and watch failures; they are retried regardless (default: ignored). */
  onError?: (err: Error) => void;
  reflector?: ReflectorOptions;
  /** Which resources to follow (default: all that mini-istiod reads). */
  resources?: WatchedResource[];
}

export class KubernetesSource implements ConfigSource {
  private readonly http: KubeHttp;
  private readonly reflectors: Reflector[] = [];
  private readonly pending = new Map<string, SourceUpdate>();
  private onUpdate?: (updates: SourceUpdate[]) => void;
  private initialSyncDone = false;
  private flushTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: KubernetesSourceOptions = {}) {
    this.http = new KubeHttp(options.kubeConfig ?? loadKubeConfig(options));
  }

  async start(onUpdate: (updates: SourceUpdate[]) => void): Promise<void> {
    if (this.onUpdate) throw new Error('KubernetesSource already started');
    this.onUpdate = onUpdate;
    const onError = this.options.onError ?? (() => undefined);
    const resources = this.options.resources ?? watchedResources();
    const syncs = resources.map((resource) => {
      let markSynced: () => void = () => undefined;
      const synced = new Promise<void>((resolve) => (markSynced = resolve));
      const reflector = new Reflector(
        this.http,
        resource,
        {
          upsert: (id, raw) => this.enqueue(upsertUpdate(raw, id)),
          remove: (id) => this.enqueue(removalUpdate(id)),
          synced: () => markSynced(),
          error: (err) => onError(new Error(`${resource.kind}: ${err.message}`)),
        },
        this.options.reflector,
      );
      this.reflectors.push(reflector);
      reflector.start();
      return synced.then(() => resource.kind);
    });

    const timeoutMs = this.options.initialSyncTimeoutMs ?? 120_000;
    const synced = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all(syncs.map((s) => s.then((kind) => synced.add(kind)))),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const missing = resources.map((r) => r.kind).filter((k) => !synced.has(k));
            reject(
              new Error(
                `Kubernetes initial sync timed out after ${timeoutMs} ms (not listed: ${missing.join(', ')})`,
              ),
            );
          }, timeoutMs);
        }),
      ]);
    } catch (err) {
      await this.stop();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    this.initialSyncDone = true;
    this.flush();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    await Promise.all(this.reflectors.map((r) => r.stop()));
  }

  private enqueue(update: SourceUpdate): void {
    if (this.stopped) return;
    // Last word per origin wins: an add then a delete inside one batch is just the delete.
    this.pending.delete(update.origin);
    this.pending.set(update.origin, update);
    if (this.initialSyncDone && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.options.batchMs ?? 20);
    }
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (this.stopped || this.pending.size === 0 || !this.onUpdate) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    batch.sort((a, b) => Number(!!b.removed) - Number(!!a.removed));
    this.onUpdate(batch);
  }
}

export function createKubernetesSource(options: KubernetesSourceOptions = {}): KubernetesSource {
  return new KubernetesSource(options);
}
