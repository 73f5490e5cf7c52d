// Read-side helpers over built listeners: the HCMs and tcp_proxy filters they carry, unpacked
// from their Any configs. Used by translateProxy (which RDS names to build), the consistency
// check and the traffic simulator.
import { anyIs, anyUnpack } from '@bufbuild/protobuf/wkt';
import type {
  Filter,
  FilterChain,
} from '../../gen/envoy/config/listener/v3/listener_components_pb.js';
import type { Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { packedHcmRdsName } from './http-connection-manager.js';
import {
  HttpConnectionManagerSchema,
  type HttpConnectionManager,
} from '../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import {
  TcpProxySchema,
  type TcpProxy,
} from '../../gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';

export function allFilterChains(listener: Listener): FilterChain[] {
  return listener.defaultFilterChain
    ? [...listener.filterChains, listener.defaultFilterChain]
    : [...listener.filterChains];
}

export function hcmOfFilter(filter: Filter): HttpConnectionManager | undefined {
  if (filter.configType.case !== 'typedConfig') return undefined;
  const any = filter.configType.value;
  return anyIs(any, HttpConnectionManagerSchema)
    ? anyUnpack(any, HttpConnectionManagerSchema)
    : undefined;
}

export function tcpProxyOfFilter(filter: Filter): TcpProxy | undefined {
  if (filter.configType.case !== 'typedConfig') return undefined;
  const any = filter.configType.value;
  return anyIs(any, TcpProxySchema) ? anyUnpack(any, TcpProxySchema) : undefined;
}

/** Every HCM of a listener: in its filter chains and in its api_listener (proxyless gRPC). */
export function httpConnectionManagersOf(listener: Listener): HttpConnectionManager[] {
  const out: HttpConnectionManager[] = [];
  for (const chain of allFilterChains(listener)) {
    for (const f of chain.filters) {
      const hcm = hcmOfFilter(f);
      if (hcm) out.push(hcm);
    }
  }
  const api = listener.apiListener?.apiListener;
  if (api && anyIs(api, HttpConnectionManagerSchema)) {
    const hcm = anyUnpack(api, HttpConnectionManagerSchema);
    if (hcm) out.push(hcm);
  }
  return out;
}

// Listeners are immutable once built and many proxies share one object: unpack each once.
const rdsNamesByListener = new WeakMap<Listener, readonly string[]>();

/** RDS names a listener references, in order, without duplicates (cached per listener object). */
export function rdsNamesOf(listener: Listener): readonly string[] {
  let names = rdsNamesByListener.get(listener);
  if (names === undefined) {
    names = Object.freeze(unpackRdsNames(listener));
    rdsNamesByListener.set(listener, names);
  }
  return names;
}

function unpackRdsNames(listener: Listener): string[] {
  const names: string[] = [];
  const add = (n: string): void => {
    if (!names.includes(n)) names.push(n);
  };
  for (const chain of allFilterChains(listener)) {
    for (const f of chain.filters) {
      // HCMs built by this process carry their RDS name alongside; others are unpacked.
      const known =
        f.configType.case === 'typedConfig' ? packedHcmRdsName(f.configType.value) : undefined;
      if (known !== undefined) {
        if (known !== null) add(known);
        continue;
      }
      const hcm = hcmOfFilter(f);
      if (hcm?.routeSpecifier.case === 'rds') add(hcm.routeSpecifier.value.routeConfigName);
    }
  }
  const api = listener.apiListener?.apiListener;
  if (api && anyIs(api, HttpConnectionManagerSchema)) {
    const hcm = anyUnpack(api, HttpConnectionManagerSchema);
    if (hcm?.routeSpecifier.case === 'rds') add(hcm.routeSpecifier.value.routeConfigName);
  }
  return names;
}

/** Clusters a tcp_proxy filter forwards to. */
export function tcpProxyClusters(tcp: TcpProxy): string[] {
  switch (tcp.clusterSpecifier.case) {
    case 'cluster':
      return [tcp.clusterSpecifier.value];
    case 'weightedClusters':
      return tcp.clusterSpecifier.value.clusters.map((c) => c.name);
    default:
      return [];
  }
}
