// One resource's list+watch loop (a reflector, as in client-go), keeping the set of objects it
// has reported so that it never loses or duplicates state:
// - list, then watch from the list's resourceVersion, with bookmarks so that resourceVersion
//   stays fresh while nothing changes;
// - a watch that ends cleanly (server timeout) is resumed from the last resourceVersion;
// - 410 Gone (on the request or as an ERROR event) means that version was compacted: relist;
// - any other failure (API server restarting, connection dropped, idle watch) backs off and
//   resumes the watch, which answers 410 if it is too late, and so relists;
// - a relist is diffed against what was reported: objects that vanished meanwhile are reported
//   removed, unchanged ones (same resourceVersion) are not reported again.
import type { KubeHttp, WatchStream } from './kube-http.js';
import { KubeHttpError } from './kube-http.js';
import { objectIdentity, toRawObject, type ObjectId } from './object-updates.js';
import type { RawObject } from '../../model/config.js';
import type { ResolvedResource, WatchedResource } from './watched-resources.js';

export interface ReflectorSink {
  upsert(id: ObjectId, raw: RawObject): void;
  remove(id: ObjectId): void;
  /** Called after every successful (re)list has been reported. */
  synced(): void;
  error(err: Error): void;
}

export interface ReflectorOptions {
  /** Server-side watch timeout; the watch is then resumed (default 300 s). */
  watchTimeoutSeconds?: number;
  /** A watch silent this long (no event, no bookmark) is dropped and resumed (default 90 s). */
  idleTimeoutMs?: number;
  /** First and longest retry delay after a failure (defaults 250 ms, 10 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often a resource the API server does not serve is looked up again (default 30 s). */
  rediscoverMs?: number;
}

interface Known {
  id: ObjectId;
  resourceVersion: string;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class Reflector {
  private readonly known = new Map<string, Known>();
  private stopped = false;
  private stream?: WatchStream;
  private wake?: () => void;
  private running?: Promise<void>;
  private readonly opts: Required<ReflectorOptions>;

  constructor(
    private readonly http: KubeHttp,
    private readonly resource: WatchedResource,
    private readonly sink: ReflectorSink,
    options: ReflectorOptions = {},
  ) {
    this.opts = {
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
      idleTimeoutMs: options.idleTimeoutMs ?? 90_000,
      minBackoffMs: options.minBackoffMs ?? 250,
      maxBackoffMs: options.maxBackoffMs ?? 10_000,
      rediscoverMs: options.rediscoverMs ?? 30_000,
    };
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.abort();
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    let target: ResolvedResource | undefined;
    let resourceVersion = '';
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!target || !resourceVersion) {
          target = await this.resource.resolve(this.http);
          if (!target) {
            // Not served (CRD not installed): nothing of this kind exists.
            this.replaceAll(undefined, []);
            this.sink.synced();
            await this.sleep(this.opts.rediscoverMs);
            continue;
          }
          resourceVersion = await this.list(target);
          failures = 0;
          this.sink.synced();
        }
        const watchStarted = Date.now();
        const outcome = await this.watchOnce(target, resourceVersion, (rv) => {
          resourceVersion = rv;
          failures = 0;
        });
        if (outcome === 'gone') resourceVersion = '';
        else if (outcome instanceof Error) throw outcome;
        else if (Date.now() - watchStarted < 1000) await this.sleep(this.opts.minBackoffMs);
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof KubeHttpError && (err.status === 410 || err.status === 404)) {
          // Too old a version, or the resource went away (CRD deleted): start over.
          resourceVersion = '';
          target = undefined;
        }
        this.sink.error(err as Error);
        failures++;
        const delay = Math.min(
          this.opts.maxBackoffMs,
          this.opts.minBackoffMs * 2 ** (failures - 1),
        );
        await this.sleep(delay * (0.5 + Math.random() / 2));
      }
    }
  }

  /** Lists every page, reports the differences, and returns the list's resourceVersion. */
  private async list(target: ResolvedResource): Promise<string> {
    const items: Record<string, unknown>[] = [];
    let cont = '';
    let resourceVersion = '';
    do {
      const query = new URLSearchParams({ limit: '500' });
      if (cont) query.set('continue', cont);
      const page = await this.http.getJson(`${target.path}?${query}`);
      if (!isObj(page)) throw new Error(`list ${target.path}: not an object list`);
      const meta = isObj(page.metadata) ? page.metadata : {};
      cont = typeof meta.continue === 'string' ? meta.continue : '';
      resourceVersion = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
      for (const item of Array.isArray(page.items) ? page.items : []) {
        if (isObj(item)) items.push(item);
      }
    } while (cont);
    this.replaceAll(target, items);
    return resourceVersion;
  }

  private replaceAll(target: ResolvedResource | undefined, items: Record<string, unknown>[]): void {
    const present = new Set<string>();
    for (const item of items) {
      const key = target ? this.apply(target, item) : undefined;
      if (key) present.add(key);
    }
    for (const [key, k] of this.known) {
      if (present.has(key)) continue;
      this.known.delete(key);
      this.sink.remove(k.id);
    }
  }

  /** Reports `obj` unless it is already known at this resourceVersion; returns its key. */
  private apply(target: ResolvedResource, obj: Record<string, unknown>): string | undefined {
    const ident = objectIdentity(obj);
    if (!ident) return undefined;
    const id: ObjectId = { kind: target.kind, namespace: ident.namespace, name: ident.name };
    const key = `${id.kind}/${id.namespace ?? ''}/${id.name}`;
    const prev = this.known.get(key);
    if (!prev || !ident.resourceVersion || prev.resourceVersion !== ident.resourceVersion) {
      this.known.set(key, { id, resourceVersion: ident.resourceVersion });
      this.sink.upsert(id, toRawObject(obj, target.apiVersion, target.kind));
    }
    return key;
  }

  private delete(target: ResolvedResource, obj: unknown): void {
    const ident = objectIdentity(obj);
    if (!ident) return;
    const key = `${target.kind}/${ident.namespace ?? ''}/${ident.name}`;
    const prev = this.known.get(key);
    if (!prev) return;
    this.known.delete(key);
    this.sink.remove(prev.id);
  }

  /** One watch request; 'gone' asks for a relist, an Error for a backoff, else resume. */
  private async watchOnce(
    target: ResolvedResource,
    resourceVersion: string,
    progressed: (rv: string) => void,
  ): Promise<'gone' | 'ended' | Error> {
    const query = new URLSearchParams({
      watch: '1',
      resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.opts.watchTimeoutSeconds),
    });
    let gone = false;
    let failure: Error | undefined;
    const stream = await this.http.watch(
      `${target.path}?${query}`,
      (event) => {
        if (!isObj(event) || gone || failure) return;
        const { type, object } = event;
        if (type === 'ERROR') {
          const code = isObj(object) ? object.code : undefined;
          const message = isObj(object) ? String(object.message ?? '') : '';
          if (code === 410) gone = true;
          else failure = new Error(`watch ${target.path}: ${message || `error ${String(code)}`}`);
          stream.abort();
          return;
        }
        if (type === 'ADDED' || type === 'MODIFIED')
          this.apply(target, object as Record<string, unknown>);
        else if (type === 'DELETED') this.delete(target, object);
        // BOOKMARK events carry only metadata.resourceVersion: it still moves us forward.
        const meta = isObj(object) && isObj(object.metadata) ? object.metadata : {};
        if (typeof meta.resourceVersion === 'string' && meta.resourceVersion) {
          progressed(meta.resourceVersion);
        }
      },
      this.opts.idleTimeoutMs,
    );
    this.stream = stream;
    if (this.stopped) stream.abort();
    const ended = await stream.done;
    this.stream = undefined;
    if (gone) return 'gone';
    if (failure) return failure;
    if (ended instanceof KubeHttpError && ended.status === 410) return 'gone';
    return ended ?? 'ended';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
