// istioctl proxy-status semantics per proxy and type: SYNCED (the last response sent was ACKed),
// STALE (sent, not yet ACKed), NOT SENT (nothing of that type sent), ERROR (the last response sent
// was NACKed; the proxy keeps its previous config).
import type { DiscoveryServer } from '../server/discovery-server.js';
import type { TypeStatus } from '../xds/status.js';
import {
  CLUSTER_TYPE,
  ENDPOINT_TYPE,
  LISTENER_TYPE,
  ROUTE_TYPE,
  SECRET_TYPE,
} from '../xds/type-urls.js';

export type SyncState = 'SYNCED' | 'STALE' | 'NOT SENT' | 'ERROR';

export interface TypeSync {
  state: SyncState;
  /** NACK text when state is ERROR. */
  error?: string;
  sentVersion?: string;
  sentNonce?: string;
  sentAt?: string;
  ackedVersion?: string;
  ackedAt?: string;
  resources?: number;
}

export interface ProxySync {
  nodeId: string;
  /** `<pod>.<ns>` as istioctl names proxies. */
  name: string;
  namespace: string;
  type: string;
  generator?: string;
  /** ISTIO_VERSION the proxy reported, when any (istioctl's VERSION column). */
  istioVersion?: string;
  protocol: string;
  peer: string;
  connectedAt: string;
  cds: TypeSync;
  lds: TypeSync;
  eds: TypeSync;
  rds: TypeSync;
  sds: TypeSync;
}

export const TYPE_KEYS = {
  cds: CLUSTER_TYPE,
  lds: LISTENER_TYPE,
  eds: ENDPOINT_TYPE,
  rds: ROUTE_TYPE,
  sds: SECRET_TYPE,
} as const;

export function typeSync(t: TypeStatus | undefined): TypeSync {
  if (!t?.lastSent) return { state: 'NOT SENT' };
  const base: TypeSync = {
    state: 'STALE',
    sentVersion: t.lastSent.version,
    sentNonce: t.lastSent.nonce,
    sentAt: t.lastSent.time.toISOString(),
    resources: t.lastSent.resourceCount,
    ackedVersion: t.lastAck?.version,
    ackedAt: t.lastAck?.time.toISOString(),
  };
  if (t.lastNack && t.lastNack.nonce === t.lastSent.nonce) {
    return { ...base, state: 'ERROR', error: t.lastNack.message };
  }
  if (t.lastAck && t.lastAck.nonce === t.lastSent.nonce) return { ...base, state: 'SYNCED' };
  return base;
}

export function syncStatus(d: DiscoveryServer): ProxySync[] {
  const proxies = new Map(d.connectedProxies().map((p) => [p.nodeId, p.proxy]));
  return d.status
    .list()
    .map((conn) => {
      const proxy = proxies.get(conn.nodeId);
      const per = (typeUrl: string) => typeSync(conn.types.get(typeUrl));
      return {
        nodeId: conn.nodeId,
        name: proxy?.name ?? conn.nodeId,
        namespace: proxy?.namespace ?? '',
        type: proxy?.type ?? '',
        generator: proxy?.generator,
        istioVersion: proxy?.istioVersion,
        protocol: conn.protocol,
        peer: conn.peer,
        connectedAt: conn.connectedAt.toISOString(),
        cds: per(TYPE_KEYS.cds),
        lds: per(TYPE_KEYS.lds),
        eds: per(TYPE_KEYS.eds),
        rds: per(TYPE_KEYS.rds),
        sds: per(TYPE_KEYS.sds),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
