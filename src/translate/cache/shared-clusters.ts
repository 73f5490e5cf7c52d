// Outbound clusters shared between proxies within one push. A service port's clusters depend on
// the proxy only through the DestinationRule chosen for it (namespace, labels), the proxy type
// (discovery type, sniffing, auto-mTLS) and the DNS family of its IPs; everything else is push
// state. So the key is (service, port, chosen rule, type, DNS family), and proxies of different
// namespaces that see the same rule share the very same Cluster objects (encoded once).
import type { Cluster } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service, ServicePort } from '../../model/service.js';
import { buildOutboundClustersForPort } from '../cluster/outbound-clusters.js';
import { clusterLabelsPart, dnsFamilyPart } from './proxy-keys.js';
import { memo, objectId } from './push-memo.js';

/** Default + subset clusters of one service port, shared by every proxy with the same inputs. */
export function sharedOutboundClustersForPort(
  proxy: Proxy,
  push: PushContext,
  service: Service,
  port: ServicePort,
): Cluster[] {
  const dr = push.destinationRule(proxy.namespace, service.hostname, proxy.labels);
  const key = `ocp|${objectId(service)}|${objectId(port)}|${objectId(dr)}|${proxy.type}|${dnsFamilyPart(proxy)}`;
  return memo(push, key, () => buildOutboundClustersForPort({ proxy, push }, service, port));
}

const hostSetKeys = new WeakMap<ReadonlySet<string>, string>();

/** Canonical text of an outboundHosts restriction (cached per set object); '' when none. */
function hostsPart(hosts: ReadonlySet<string> | undefined): string {
  if (hosts === undefined) return '';
  let key = hostSetKeys.get(hosts);
  if (key === undefined) {
    key = `only:${JSON.stringify([...hosts].sort())}`;
    hostSetKeys.set(hosts, key);
  }
  return key;
}

/**
 * All outbound clusters of a proxy, shared by proxies with the same visibility (`scopeKey`, which
 * must identify the proxy type, namespace and Sidecar scope), labels when a DestinationRule in the
 * namespace selects workloads, DNS family and outbound host restriction (a restricted list is
 * never handed to an unrestricted caller, nor to one restricted to other hosts).
 */
export function sharedOutboundClusters(
  proxy: Proxy,
  push: PushContext,
  scopeKey: string,
  outboundHosts: ReadonlySet<string> | undefined,
  build: () => Cluster[],
): Cluster[] {
  const key = `ocl|${scopeKey}|${clusterLabelsPart(proxy, push)}|${dnsFamilyPart(proxy)}|${hostsPart(outboundHosts)}`;
  return memo(push, key, build);
}
