// istioctl proxy-config's tables, computed from generated Envoy messages: one function per
// resource kind turns resources (already filtered) into rows under istioctl's column names.
import {
  Cluster_DiscoveryType,
  type Cluster,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { HealthStatus } from '../../gen/envoy/config/core/v3/health_check_pb.js';
import type { ClusterLoadAssignment } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { FilterChain } from '../../gen/envoy/config/listener/v3/listener_components_pb.js';
import type { Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import type { RouteMatch } from '../../gen/envoy/config/route/v3/route_components_pb.js';
import type { RouteConfiguration } from '../../gen/envoy/config/route/v3/route_pb.js';
import type { Secret } from '../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { parseSubsetKey } from '../../translate/common/cluster-name.js';
import {
  allFilterChains,
  hcmOfFilter,
  httpConnectionManagersOf,
  tcpProxyClusters,
  tcpProxyOfFilter,
} from '../../translate/listener/inspect.js';
import { configRefOf, shortRef } from './istio-config-ref.js';

export const CLUSTER_HEADERS = [
  'SERVICE FQDN',
  'PORT',
  'SUBSET',
  'DIRECTION',
  'TYPE',
  'DESTINATION RULE',
];
export const LISTENER_HEADERS = ['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION'];
export const ROUTE_HEADERS = ['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'];
export const ENDPOINT_HEADERS = ['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER'];
export const SECRET_HEADERS = ['RESOURCE NAME', 'TYPE', 'STATUS'];

export function clusterType(c: Cluster): string {
  const t = c.clusterDiscoveryType;
  if (t.case === 'type') return Cluster_DiscoveryType[t.value] ?? String(t.value);
  if (t.case === 'clusterType') return t.value.name;
  return 'EDS';
}

/** The parts istioctl shows for a cluster name: FQDN, port, subset, direction ('-' when none). */
export function clusterParts(name: string): {
  fqdn: string;
  port: string;
  subset: string;
  direction: string;
} {
  const p = parseSubsetKey(name);
  if (!p) return { fqdn: name, port: '-', subset: '-', direction: '-' };
  return {
    fqdn: p.host || '-',
    port: String(p.port),
    subset: p.subset || '-',
    direction: p.direction,
  };
}

/** Sorted like istioctl: by FQDN, then port, subset and direction. */
export function clusterRows(clusters: readonly Cluster[]): string[][] {
  const rows = clusters.map((c) => {
    const p = clusterParts(c.name);
    return [
      p.fqdn,
      p.port,
      p.subset,
      p.direction,
      clusterType(c),
      shortRef(configRefOf(c.metadata)),
    ];
  });
  return rows.sort(
    (a, b) =>
      a[0].localeCompare(b[0]) ||
      (Number(a[1]) || 0) - (Number(b[1]) || 0) ||
      a[2].localeCompare(b[2]) ||
      a[3].localeCompare(b[3]),
  );
}

function chainMatch(chain: FilterChain): string {
  const m = chain.filterChainMatch;
  if (!m) return 'ALL';
  const parts: string[] = [];
  if (m.prefixRanges.length > 0) {
    parts.push(
      `Addr: ${m.prefixRanges.map((r) => `${r.addressPrefix}/${r.prefixLen ?? 32}`).join(',')}`,
    );
  }
  if (m.destinationPort !== undefined) parts.push(`DPort: ${m.destinationPort}`);
  if (m.serverNames.length > 0) parts.push(`SNI: ${m.serverNames.join(',')}`);
  if (m.transportProtocol) parts.push(`Trans: ${m.transportProtocol}`);
  if (m.applicationProtocols.length > 0) parts.push(`App: ${m.applicationProtocols.join(',')}`);
  return parts.length > 0 ? parts.join('; ') : 'ALL';
}

function chainDestination(chain: FilterChain): string {
  for (const f of chain.filters) {
    const hcm = hcmOfFilter(f);
    if (hcm) {
      if (hcm.routeSpecifier.case === 'rds')
        return `Route: ${hcm.routeSpecifier.value.routeConfigName}`;
      if (hcm.routeSpecifier.case === 'routeConfig') {
        const first = hcm.routeSpecifier.value.virtualHosts[0]?.routes[0];
        return `Inline Route: ${first ? matchText(first.match) : '-'}`;
      }
      return 'HTTP';
    }
    const tcp = tcpProxyOfFilter(f);
    if (tcp) return `Cluster: ${tcpProxyClusters(tcp).join(',')}`;
  }
  return 'Non-HTTP/Non-TCP';
}

export function listenerAddress(l: Listener): { address: string; port: string } {
  const a = l.address?.address;
  if (a?.case === 'socketAddress') {
    const ps = a.value.portSpecifier;
    return { address: a.value.address, port: ps.case === 'portValue' ? String(ps.value) : '-' };
  }
  // Proxyless gRPC API listeners have no address: their name is the dial target `host:port`.
  const i = l.name.lastIndexOf(':');
  return i > 0
    ? { address: l.name.slice(0, i), port: l.name.slice(i + 1) }
    : { address: l.name, port: '-' };
}

export function listenerRows(listeners: readonly Listener[]): string[][] {
  const rows: string[][] = [];
  for (const l of listeners) {
    const { address, port } = listenerAddress(l);
    if (l.apiListener) {
      rows.push([address, port, 'API listener (proxyless gRPC)', apiDestination(l)]);
      continue;
    }
    for (const chain of allFilterChains(l)) {
      rows.push([address, port, chainMatch(chain), chainDestination(chain)]);
    }
  }
  return rows;
}

function apiDestination(l: Listener): string {
  const hcm = httpConnectionManagersOf(l)[0];
  if (hcm?.routeSpecifier.case === 'rds') {
    return `Route: ${hcm.routeSpecifier.value.routeConfigName}`;
  }
  return hcm ? 'Inline Route' : '-';
}

/** istioctl's MATCH: `/*` for prefix `/`, `<prefix>*`, exact paths, regexes; plus header names. */
export function matchText(m: RouteMatch | undefined): string {
  if (!m) return '-';
  const ps = m.pathSpecifier;
  let path: string;
  switch (ps.case) {
    case 'prefix':
      path = `${ps.value === '' ? '/' : ps.value}*`;
      break;
    case 'path':
      path = ps.value;
      break;
    case 'safeRegex':
      path = ps.value.regex;
      break;
    case 'pathSeparatedPrefix':
      path = `${ps.value}/*`;
      break;
    default:
      path = '-';
  }
  const headers = m.headers.map((h) => {
    const s = h.headerMatchSpecifier;
    if (s.case === 'stringMatch' && s.value.matchPattern.case === 'exact') {
      return `${h.name}=${s.value.matchPattern.value}`;
    }
    return h.name;
  });
  return headers.length > 0 ? `${path} (${headers.join(', ')})` : path;
}

function domainsText(domains: readonly string[]): string {
  if (domains.length === 0) return '-';
  return domains.length === 1 ? domains[0] : `${domains[0]} + ${domains.length - 1} more...`;
}

export function routeRows(routes: readonly RouteConfiguration[]): string[][] {
  const rows: string[][] = [];
  for (const rc of routes) {
    for (const vh of rc.virtualHosts) {
      for (const r of vh.routes) {
        rows.push([
          rc.name,
          vh.name,
          domainsText(vh.domains),
          matchText(r.match),
          shortRef(configRefOf(r.metadata)),
        ]);
      }
    }
  }
  return rows;
}

export function endpointRows(cla: readonly ClusterLoadAssignment[]): string[][] {
  const rows: string[][] = [];
  for (const e of cla) {
    for (const group of e.endpoints) {
      for (const lb of group.lbEndpoints) {
        if (lb.hostIdentifier.case !== 'endpoint') continue;
        const a = lb.hostIdentifier.value.address?.address;
        let addr = '-';
        if (a?.case === 'socketAddress') {
          const ps = a.value.portSpecifier;
          addr = `${a.value.address}:${ps.case === 'portValue' ? ps.value : '-'}`;
        }
        const status =
          lb.healthStatus === HealthStatus.UNKNOWN
            ? 'HEALTHY'
            : (HealthStatus[lb.healthStatus] ?? 'UNKNOWN');
        rows.push([addr, status, 'OK', e.clusterName]);
      }
    }
  }
  return rows;
}

export function secretRows(secrets: readonly Secret[]): string[][] {
  return secrets.map((s) => [
    s.name,
    s.type.case === 'tlsCertificate'
      ? 'Cert Chain'
      : s.type.case === 'validationContext'
        ? 'CA'
        : String(s.type.case ?? '-'),
    'ACTIVE',
  ]);
}
