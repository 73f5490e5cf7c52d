// Istio's cluster naming (model.BuildSubsetKey / ParseSubsetKey). These names are the join keys
// between routes, clusters and EDS, so every translator must build them through this module.

/** Direction part of a cluster name. */
export type TrafficDirection = 'outbound' | 'inbound';

export interface ParsedClusterName {
  direction: TrafficDirection;
  port: number;
  /** Empty string when the cluster is not for a subset. */
  subset: string;
  /** FQDN; empty for inbound clusters (`inbound|9080||`). */
  host: string;
}

/** `<direction>|<port>|<subset>|<host>` exactly as istiod builds it. */
export function buildSubsetKey(
  direction: TrafficDirection,
  subset: string | undefined,
  host: string,
  port: number,
): string {
  return `${direction}|${port}|${subset ?? ''}|${host}`;
}

/** `outbound|9080|v1|reviews.default.svc.cluster.local`; subset empty/undefined → `outbound|9080||host`. */
export function outboundClusterName(
  port: number,
  subset: string | undefined,
  host: string,
): string {
  return buildSubsetKey('outbound', subset, host, port);
}

/** Sidecar inbound clusters carry no host since Istio 1.10: `inbound|9080||`. */
export function inboundClusterName(port: number): string {
  return buildSubsetKey('inbound', undefined, '', port);
}

/**
 * Inverse of buildSubsetKey. Returns undefined for names that are not subset keys
 * (`BlackHoleCluster`, `PassthroughCluster`, ...) or whose port is not a number.
 */
export function parseSubsetKey(name: string): ParsedClusterName | undefined {
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  const [direction, portText, subset, host] = parts as [string, string, string, string];
  if (direction !== 'outbound' && direction !== 'inbound') return undefined;
  if (!/^\d+$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { direction, port, subset, host };
}

/** Alias of parseSubsetKey, for readers who think in cluster names. */
export const parseClusterName = parseSubsetKey;

/** SNI Istio uses for ISTIO_MUTUAL upstreams: `outbound_.9080_.v1_.reviews.default.svc.cluster.local`. */
export function istioMutualSni(port: number, subset: string | undefined, host: string): string {
  return `outbound_.${port}_.${subset ?? ''}_.${host}`;
}

/** Names of Istio's fixed clusters. */
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughCluster';

export { durationFromIstio } from './duration.js';
