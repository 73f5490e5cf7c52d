// The streams keep what they sent, what Delta clients hold and what clients subscribe to by
// reference (snapshot maps, interned name sets). This drives them and the plain reference
// implementation (reference-streams.ts) through the same random requests and snapshot changes
// (new maps with equal content, partial changes, removals, reconnect versions, NACKs, stale
// nonces) and requires identical responses, status and ACKed views at every step.
import { create } from '@bufbuild/protobuf';
import {
  DeltaDiscoveryRequestSchema,
  DiscoveryRequestSchema,
  type DeltaDiscoveryRequest,
  type DiscoveryRequest,
} from '../../gen/envoy/service/discovery/v3/discovery_pb.js';
import { DeltaStream } from '../delta-stream.js';
import { resourceFromBytes, type XdsResource } from '../resource.js';
import { versionsOf, type ResourceView } from '../resource-view.js';
import { SnapshotCache, type Snapshot } from '../snapshot-cache.js';
import { SotwStream } from '../sotw-stream.js';
import { XdsStatus, type ConnectionStatus, type TypeStatus } from '../status.js';
import { byName, responseVersion, type StreamSink } from '../stream-common.js';
import {
  CLUSTER_TYPE,
  ENDPOINT_TYPE,
  isWildcardByDefault,
  LISTENER_TYPE,
  ROUTE_TYPE,
} from '../type-urls.js';
import { ReferenceDeltaStream, ReferenceSotwStream } from './reference-streams.js';

const NODE = 'node-1';
const TYPES = [CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE];
const NAMES = ['a', 'b', 'c', 'd', 'e'];

/** Deterministic PRNG (mulberry32), so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Recorder {
  sink: StreamSink;
  writes: Uint8Array[];
  status: XdsStatus;
  conn: ConnectionStatus;
  /** The previous tracker's rule: at `sent`, the cache's view; at a matching ACK, that view. */
  trackedAcks: Map<string, Map<string, string>>;
  lastNonce: Map<string, string>;
  nonces: Map<string, string[]>;
}

function subscriptionView(snapshot: Snapshot | undefined, t: TypeStatus): Map<string, string> {
  const all = snapshot?.get(t.typeUrl);
  const out = new Map<string, string>();
  if (!all) return out;
  const names = t.wildcard ? [...all.keys()] : t.names.filter((n) => all.has(n));
  for (const n of names.sort()) out.set(n, all.get(n)?.version ?? '');
  return out;
}

function recorder(cache: SnapshotCache): Recorder {
  const status = new XdsStatus();
  const conn = status.open('c1', NODE, 'sotw', 'test');
  let nonce = 0;
  const r: Recorder = {
    writes: [],
    status,
    conn,
    trackedAcks: new Map(),
    lastNonce: new Map(),
    nonces: new Map(),
    sink: {
      write: (bytes) => r.writes.push(bytes),
      nextNonce: () => String(++nonce),
      status,
      conn,
    },
  };
  const inFlight = new Map<string, { nonce: string; res: Map<string, string> }>();
  status.on('sent', (_c, t) => {
    const n = t.lastSent?.nonce ?? '';
    inFlight.set(t.typeUrl, { nonce: n, res: subscriptionView(cache.getSnapshot(NODE), t) });
    r.lastNonce.set(t.typeUrl, n);
    r.nonces.set(t.typeUrl, [...(r.nonces.get(t.typeUrl) ?? []), n]);
  });
  status.on('ack', (_c, t) => {
    const sent = inFlight.get(t.typeUrl);
    if (sent && t.lastAck?.nonce === sent.nonce) r.trackedAcks.set(t.typeUrl, sent.res);
  });
  return r;
}

function statusOf(r: Recorder): unknown {
  return [...r.conn.types.values()].map((t) => ({
    typeUrl: t.typeUrl,
    wildcard: t.wildcard,
    names: t.names,
    sent: t.lastSent && { ...t.lastSent, time: undefined },
    ack: t.lastAck && { ...t.lastAck, time: undefined },
    nack: t.lastNack && { ...t.lastNack, time: undefined },
  }));
}

const content = new Map<string, XdsResource>();
/** A resource of that content; `fresh` gives a new object with the same bytes. */
function resource(typeUrl: string, name: string, version: number, fresh: boolean): XdsResource {
  const key = `${typeUrl}|${name}|${version}`;
  const known = content.get(key);
  if (known && !fresh) return known;
  const r = resourceFromBytes(typeUrl, name, new TextEncoder().encode(`${name}#${version}`));
  content.set(key, r);
  return r;
}

/** The next snapshot: per type the same map, an equal rebuilt map, or a changed one. */
function nextSnapshot(random: () => number, prev: Snapshot | undefined): Snapshot {
  const out = new Map<string, ReadonlyMap<string, XdsResource>>();
  for (const typeUrl of TYPES) {
    const old = prev?.get(typeUrl);
    const roll = random();
    if (old && roll < 0.3) {
      out.set(typeUrl, old);
      continue;
    }
    const map = new Map<string, XdsResource>();
    if (old && roll < 0.5) {
      // Rebuilt: a new map, sometimes with new resource objects, of the same content.
      for (const [n, r] of old) map.set(n, random() < 0.5 ? r : { ...r });
    } else {
      for (const n of NAMES) {
        const kept = old?.get(n);
        if (kept && random() < 0.6) map.set(n, random() < 0.5 ? kept : { ...kept });
        else if (random() < 0.7)
          map.set(n, resource(typeUrl, n, Math.floor(random() * 3), random() < 0.3));
      }
    }
    if (map.size > 0 || random() < 0.5) out.set(typeUrl, map);
  }
  return out;
}

function pickNames(random: () => number): string[] {
  const names = NAMES.filter(() => random() < 0.5);
  if (random() < 0.1) names.push('*');
  if (random() < 0.1) names.push('zz-missing');
  return names;
}

/** The version a first SotW request for `names` would be answered with now. */
function currentVersion(snapshot: Snapshot | undefined, typeUrl: string, names: string[]): string {
  const all = snapshot?.get(typeUrl) ?? new Map<string, XdsResource>();
  const wildcard = names.includes('*') || (names.length === 0 && isWildcardByDefault(typeUrl));
  const picked = [...all.values()].filter((r) => wildcard || names.includes(r.name));
  return responseVersion(picked.sort(byName));
}

function sotwRequest(
  random: () => number,
  r: Recorder,
  known: Set<string>,
  snapshot: Snapshot | undefined,
): DiscoveryRequest {
  const typeUrl = TYPES[Math.floor(random() * TYPES.length)];
  const t = r.conn.types.get(typeUrl);
  const sameNames = (): string[] => (t?.wildcard && random() < 0.7 ? [] : [...(t?.names ?? [])]);
  if (!known.has(typeUrl)) {
    known.add(typeUrl);
    const names = random() < 0.4 ? [] : pickNames(random);
    const roll = random();
    // A reconnecting client reports the version it runs: sometimes what would be sent now.
    const versionInfo =
      roll < 0.2 ? 'stale-version' : roll < 0.4 ? currentVersion(snapshot, typeUrl, names) : '';
    return create(DiscoveryRequestSchema, { typeUrl, resourceNames: names, versionInfo });
  }
  const roll = random();
  const last = r.lastNonce.get(typeUrl) ?? '';
  const version = t?.lastSent?.version ?? '';
  if (roll < 0.45) {
    // ACK (sometimes with a new subscription).
    const names = random() < 0.25 ? pickNames(random) : sameNames();
    return create(DiscoveryRequestSchema, {
      typeUrl,
      responseNonce: last,
      versionInfo: version,
      resourceNames: names,
    });
  }
  if (roll < 0.55) {
    return create(DiscoveryRequestSchema, {
      typeUrl,
      responseNonce: last,
      versionInfo: t?.lastAck?.version ?? '',
      resourceNames: sameNames(),
      errorDetail: { code: 3, message: 'rejected' },
    });
  }
  if (roll < 0.7) {
    const older = r.nonces.get(typeUrl) ?? [];
    return create(DiscoveryRequestSchema, {
      typeUrl,
      responseNonce: older[Math.floor(random() * older.length)] ?? 'unknown',
      resourceNames: pickNames(random),
    });
  }
  return create(DiscoveryRequestSchema, {
    typeUrl,
    resourceNames: random() < 0.5 ? sameNames() : pickNames(random),
  });
}

function deltaRequest(
  random: () => number,
  r: Recorder,
  known: Set<string>,
  snapshot: Snapshot | undefined,
): DeltaDiscoveryRequest {
  const typeUrl = TYPES[Math.floor(random() * TYPES.length)];
  if (!known.has(typeUrl)) {
    known.add(typeUrl);
    const initial: Record<string, string> = {};
    if (random() < 0.4) {
      for (const n of NAMES) {
        if (random() < 0.5) initial[n] = snapshot?.get(typeUrl)?.get(n)?.version ?? 'old';
      }
    }
    return create(DeltaDiscoveryRequestSchema, {
      typeUrl,
      resourceNamesSubscribe: random() < 0.4 ? [] : pickNames(random),
      initialResourceVersions: initial,
    });
  }
  const roll = random();
  const last = r.lastNonce.get(typeUrl) ?? '';
  const subscribe = random() < 0.3 ? pickNames(random) : [];
  const unsubscribe = random() < 0.3 ? pickNames(random) : [];
  if (roll < 0.5) {
    return create(DeltaDiscoveryRequestSchema, {
      typeUrl,
      responseNonce: last,
      resourceNamesSubscribe: subscribe,
      resourceNamesUnsubscribe: unsubscribe,
    });
  }
  if (roll < 0.6) {
    return create(DeltaDiscoveryRequestSchema, {
      typeUrl,
      responseNonce: last,
      errorDetail: { code: 3, message: 'rejected' },
    });
  }
  if (roll < 0.7) {
    return create(DeltaDiscoveryRequestSchema, { typeUrl, responseNonce: 'unknown' });
  }
  return create(DeltaDiscoveryRequestSchema, {
    typeUrl,
    resourceNamesSubscribe: subscribe,
    resourceNamesUnsubscribe: unsubscribe,
  });
}

type StateOf = { types: Map<string, Record<string, unknown>> };

/** name → version a real SotW stream records as sent, per type. */
function sotwSent(stream: SotwStream): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [typeUrl, s] of (stream as unknown as StateOf).types) {
    out.set(typeUrl, versionsOf(s.sent as ResourceView));
  }
  return out;
}

function deltaClientHas(stream: DeltaStream): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [typeUrl, s] of (stream as unknown as StateOf).types) {
    const own = s.clientOwn as Map<string, string> | undefined;
    out.set(typeUrl, new Map(own ?? versionsOf(s.clientHas as ResourceView)));
  }
  return out;
}

function refState(
  stream: ReferenceSotwStream | ReferenceDeltaStream,
  key: 'sent' | 'clientHas',
): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [typeUrl, s] of stream.types as Map<string, object>) {
    out.set(typeUrl, new Map((s as Record<string, Map<string, string>>)[key]));
  }
  return out;
}

const sorted = (m: Map<string, Map<string, string>>) =>
  [...m].map(([k, v]) => [k, [...v].sort()] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));

const byType = (a: readonly unknown[], b: readonly unknown[]) =>
  String(a[0]) < String(b[0]) ? -1 : 1;

function ackedViews(r: Recorder): unknown {
  return [...r.conn.types.values()]
    .filter((t) => t.ackedView)
    .map((t) => [t.typeUrl, [...versionsOf(t.ackedView as ResourceView)].sort()])
    .sort(byType);
}

function trackedViews(r: Recorder): unknown {
  return [...r.trackedAcks].map(([typeUrl, v]) => [typeUrl, [...v].sort()]).sort(byType);
}

describe.each(['sotw', 'delta'] as const)('%s stream vs the reference implementation', (mode) => {
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))('random run, seed %i', (seed) => {
    const random = rng(seed * 7919);
    const cache = new SnapshotCache();
    if (random() < 0.8) cache.setSnapshot(NODE, nextSnapshot(random, undefined));
    const mine = recorder(cache);
    const ref = recorder(cache);
    const resume = random() < 0.5;
    const real =
      mode === 'sotw'
        ? new SotwStream(mine.sink, { resumeOnMatchingVersion: resume })
        : new DeltaStream(mine.sink);
    const oracle =
      mode === 'sotw'
        ? new ReferenceSotwStream(ref.sink, resume)
        : new ReferenceDeltaStream(ref.sink);
    real.setInitialSnapshot(cache.getSnapshot(NODE));
    oracle.setInitialSnapshot(cache.getSnapshot(NODE));
    cache.watch(NODE, (c) => real.onSnapshot(c));
    cache.watch(NODE, (c) => oracle.onSnapshot(c));
    const known = new Set<string>();
    let compared = 0;

    for (let step = 0; step < 80; step++) {
      if (random() < 0.35) {
        cache.setSnapshot(NODE, nextSnapshot(random, cache.getSnapshot(NODE)));
      } else if (mode === 'sotw') {
        const req = sotwRequest(random, mine, known, cache.getSnapshot(NODE));
        (real as SotwStream).handleRequest(req);
        (oracle as ReferenceSotwStream).handleRequest(create(DiscoveryRequestSchema, req));
      } else {
        const req = deltaRequest(random, mine, known, cache.getSnapshot(NODE));
        (real as DeltaStream).handleRequest(req);
        (oracle as ReferenceDeltaStream).handleRequest(create(DeltaDiscoveryRequestSchema, req));
      }
      const where = `seed ${seed}, step ${step}`;
      // Responses are compared as they come (each step adds at most a few).
      expect([where, mine.writes.length]).toEqual([where, ref.writes.length]);
      for (let i = compared; i < mine.writes.length; i++) {
        expect([where, Buffer.from(mine.writes[i]).equals(ref.writes[i])]).toEqual([where, true]);
      }
      compared = mine.writes.length;
      expect([where, statusOf(mine)]).toEqual([where, statusOf(ref)]);
      expect([where, mine.status.counters]).toEqual([where, ref.status.counters]);
      if (mode === 'sotw') {
        expect([where, sorted(sotwSent(real as SotwStream))]).toEqual([
          where,
          sorted(refState(oracle, 'sent')),
        ]);
      } else {
        expect([where, sorted(deltaClientHas(real as DeltaStream))]).toEqual([
          where,
          sorted(refState(oracle, 'clientHas')),
        ]);
      }
      // What the tracker reports as ACKed matches the previous copy-at-send rule.
      expect([where, ackedViews(mine)]).toEqual([where, trackedViews(mine)]);
    }
  });
});
