// The proxy facts a shared translation result depends on, as memo key parts. Labels are the
// costly part: most proxies of a namespace differ only in labels, yet labels change the result
// only when some config selects on them. Each fact below says when that can happen; when it
// cannot, the labels are left out of the key so those proxies share one result.
import type { ConfigResource } from '../../model/config.js';
import type { VirtualServiceSpec } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import { labelsKey, memo } from './push-memo.js';

/**
 * Whether a DestinationRule lookup from `namespace` can depend on the proxy's labels: only rules
 * with a workloadSelector in the proxy's own namespace are chosen by labels.
 */
export function destinationRulesSelectWorkloads(push: PushContext, namespace: string): boolean {
  // One pass per push over the rules, not one per namespace.
  const namespaces = memo(
    push,
    'dr-selecting-namespaces',
    () =>
      new Set(
        push.snapshot.destinationRules
          .filter((dr) => dr.spec.workloadSelector !== undefined)
          .map((dr) => dr.metadata.namespace),
      ),
  );
  return namespaces.has(namespace);
}

function hasSourceLabels(matches: readonly unknown[] | undefined): boolean {
  return (matches ?? []).some((m) => {
    if (typeof m !== 'object' || m === null || !('sourceLabels' in m)) return false;
    const labels = (m as { sourceLabels?: unknown }).sourceLabels;
    return typeof labels === 'object' && labels !== null && Object.keys(labels).length > 0;
  });
}

/**
 * Whether sidecar routing (route configs, outbound listeners) seen from `namespace` can depend on
 * the proxy's labels: a visible mesh VirtualService matching on sourceLabels (http, tcp or tls),
 * or a workload-selecting DestinationRule (hash policies, subsets).
 */
export function routingSelectsWorkloads(push: PushContext, namespace: string): boolean {
  return memo(push, `routing-selects|${namespace}`, () => {
    if (destinationRulesSelectWorkloads(push, namespace)) return true;
    return push
      .virtualServicesFor(namespace, 'mesh')
      .some((vs) => matchesSourceLabels(vs.resource));
  });
}

// Per VirtualService object (config objects are immutable), so every namespace that sees it
// asks only once.
const sourceLabelMatches = new WeakMap<ConfigResource<VirtualServiceSpec>, boolean>();

function matchesSourceLabels(vs: ConfigResource<VirtualServiceSpec>): boolean {
  let found = sourceLabelMatches.get(vs);
  if (found === undefined) {
    const spec = vs.spec;
    found =
      (spec.http ?? []).some((r) => hasSourceLabels(r.match)) ||
      (spec.tcp ?? []).some((r) => hasSourceLabels(r.match)) ||
      (spec.tls ?? []).some((r) => hasSourceLabels(r.match));
    sourceLabelMatches.set(vs, found);
  }
  return found;
}

/** Labels as a key part for cluster/endpoint results (DestinationRule choice), else ''. */
export function clusterLabelsPart(proxy: Proxy, push: PushContext): string {
  return destinationRulesSelectWorkloads(push, proxy.namespace) ? labelsKey(proxy.labels) : '';
}

/** Labels as a key part for sidecar routing results, else ''. */
export function routingLabelsPart(proxy: Proxy, push: PushContext): string {
  return routingSelectsWorkloads(push, proxy.namespace) ? labelsKey(proxy.labels) : '';
}

const isIpv4 = (ip: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

/** DNS clusters pick V6_ONLY for IPv6-only proxies (see cluster/base-cluster.ts). */
export function dnsFamilyPart(proxy: Proxy): string {
  const ips = proxy.ips.length > 0 ? proxy.ips : [proxy.ip];
  return ips.length > 0 && ips.every((ip) => !isIpv4(ip) && ip.includes(':')) ? 'v6' : 'v4';
}
