// DestinationRule lookup with istiod's semantics (pilot/pkg/model/push_context.go
// setDestinationRules / destinationRule and destination_rule.go mergeDestinationRule):
//  - hosts are resolved to FQDNs in the rule's namespace;
//  - rules for the same host in the same namespace with the same exportTo and both without
//    (or with equal) workload selectors are merged: the oldest rule's traffic policy wins
//    (a later one fills it only when unset), subsets are appended unless the name exists;
//  - lookup: the proxy's namespace (rules visible there), then the service's namespace, then the
//    root namespace (rules exported to the proxy's namespace), each by most specific host;
//  - among the rules found, one whose workloadSelector matches the proxy (same namespace) wins,
//    else the selector-less one.
import type { ConfigResource, MeshConfig } from '../config.js';
import type { DestinationRuleSpec } from '../istio-types.js';
import { isWildcard, mostSpecificHostMatch, resolveShortName } from './hostnames.js';
import { selectorMatches } from './labels.js';
import { compareResourcesByCreation } from './ordering.js';

interface MergedRule {
  resource: ConfigResource<DestinationRuleSpec>;
  /** Raw exportTo entries (`.` kept); empty = mesh default. */
  exportTo: ReadonlySet<string>;
  selector?: Record<string, string>;
}

type RulesByHost = Map<string, MergedRule[]>;

interface HostRules {
  specific: RulesByHost;
  wildcard: RulesByHost;
}

function newHostRules(): HostRules {
  return { specific: new Map(), wildcard: new Map() };
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function sameLabels(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
): boolean {
  const ak = Object.keys(a ?? {});
  const bk = Object.keys(b ?? {});
  return ak.length === bk.length && ak.every((k) => (a ?? {})[k] === (b ?? {})[k]);
}

function isSuperset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of b) if (!a.has(x)) return false;
  return true;
}

/** Merges `incoming` into `existing` (a copy; resources are never mutated). */
function mergeInto(existing: MergedRule, incoming: ConfigResource<DestinationRuleSpec>): void {
  const spec = existing.resource.spec;
  const names = new Set((spec.subsets ?? []).map((s) => s.name));
  const subsets = [...(spec.subsets ?? [])];
  for (const s of incoming.spec.subsets ?? []) if (!names.has(s.name)) subsets.push(s);
  existing.resource = {
    ...existing.resource,
    spec: {
      ...spec,
      subsets,
      trafficPolicy: spec.trafficPolicy ?? incoming.spec.trafficPolicy,
    },
  };
}

function addRule(
  index: HostRules,
  resource: ConfigResource<DestinationRuleSpec>,
  exportTo: ReadonlySet<string>,
): void {
  const host = resource.spec.host;
  const rules = isWildcard(host) ? index.wildcard : index.specific;
  const selector = resource.spec.workloadSelector?.matchLabels;
  const hasSelector = resource.spec.workloadSelector !== undefined;
  const list = rules.get(host);
  if (!list) {
    rules.set(host, [{ resource, exportTo, selector }]);
    return;
  }
  let appendSeparately = true;
  for (const mdr of list) {
    if (sameSet(exportTo, mdr.exportTo)) {
      appendSeparately = false;
    } else {
      // Different visibility: never merged (a superset is kept as its own entry).
      appendSeparately = true;
      if (!(mdr.exportTo.size > 0 && isSuperset(exportTo, mdr.exportTo))) continue;
    }
    const existingHasSelector = mdr.resource.spec.workloadSelector !== undefined;
    if (hasSelector && existingHasSelector && !sameLabels(selector, mdr.selector)) {
      appendSeparately = true;
      continue;
    }
    if ((!hasSelector && !existingHasSelector) || (hasSelector && existingHasSelector)) {
      appendSeparately = false;
    }
    mergeInto(mdr, resource);
  }
  if (appendSeparately) list.push({ resource, exportTo, selector });
}

export class DestinationRuleIndex {
  private readonly namespaceLocal = new Map<string, HostRules>();
  private readonly exportedByNamespace = new Map<string, HostRules>();
  private readonly rootNamespaceLocal = newHostRules();

  constructor(
    rules: readonly ConfigResource<DestinationRuleSpec>[],
    private readonly mesh: MeshConfig,
  ) {
    // Selector rules first, then oldest first: the first rule's top-level policy wins merges.
    const sorted = [...rules].sort((a, b) => {
      const as = a.spec.workloadSelector !== undefined;
      const bs = b.spec.workloadSelector !== undefined;
      if (as !== bs) return as ? -1 : 1;
      return compareResourcesByCreation(a, b);
    });
    for (const r of sorted) {
      const ns = r.metadata.namespace;
      const resolved: ConfigResource<DestinationRuleSpec> = {
        ...r,
        spec: { ...r.spec, host: resolveShortName(r.spec.host, ns, mesh.domainSuffix) },
      };
      // Rules with a workload selector are never exported.
      const exportTo: ReadonlySet<string> = r.spec.workloadSelector
        ? new Set(['.'])
        : new Set(r.spec.exportTo ?? []);
      if (exportTo.size === 0 || exportTo.has('*') || exportTo.has('.') || exportTo.has(ns)) {
        addRule(this.local(this.namespaceLocal, ns), resolved, exportTo);
      }
      const privateOnly = exportTo.size === 1 && (exportTo.has('.') || exportTo.has(ns));
      if (!privateOnly) {
        addRule(this.local(this.exportedByNamespace, ns), resolved, exportTo);
      } else if (ns === mesh.rootNamespace) {
        addRule(this.rootNamespaceLocal, resolved, exportTo);
      }
    }
  }

  private local(map: Map<string, HostRules>, ns: string): HostRules {
    let v = map.get(ns);
    if (!v) {
      v = newHostRules();
      map.set(ns, v);
    }
    return v;
  }

  /**
   * The rule for `hostname` seen from a proxy in `proxyNamespace`; `serviceNamespace` is the
   * namespace of the service the host belongs to (when known).
   */
  lookup(
    proxyNamespace: string,
    hostname: string,
    serviceNamespace: string | undefined,
    proxyLabels: Record<string, string> | undefined,
  ): ConfigResource<DestinationRuleSpec> | undefined {
    const local =
      proxyNamespace !== this.mesh.rootNamespace
        ? this.namespaceLocal.get(proxyNamespace)
        : this.rootNamespaceLocal;
    if (local) {
      const found = mostSpecificHostMatch(hostname, local.specific, local.wildcard);
      if (found) return this.choose(found, proxyNamespace, proxyLabels);
    }
    for (const ns of [serviceNamespace, this.mesh.rootNamespace]) {
      if (ns === undefined) continue;
      const exported = this.exportedByNamespace.get(ns);
      if (!exported) continue;
      const found = mostSpecificHostMatch(hostname, exported.specific, exported.wildcard);
      const visible = (found ?? []).filter(
        (r) => r.exportTo.size === 0 || r.exportTo.has('*') || r.exportTo.has(proxyNamespace),
      );
      if (visible.length > 0) return this.choose(visible, proxyNamespace, proxyLabels);
    }
    return undefined;
  }

  private choose(
    rules: readonly MergedRule[],
    proxyNamespace: string,
    proxyLabels: Record<string, string> | undefined,
  ): ConfigResource<DestinationRuleSpec> | undefined {
    let catchAll: MergedRule | undefined;
    for (const r of rules) {
      if (r.resource.spec.workloadSelector === undefined) {
        catchAll = r;
      } else if (
        proxyLabels &&
        r.resource.metadata.namespace === proxyNamespace &&
        selectorMatches(r.selector, proxyLabels)
      ) {
        return r.resource;
      }
    }
    return catchAll?.resource;
  }
}
