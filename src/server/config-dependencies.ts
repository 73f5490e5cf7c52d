// Per-push config dependency tracking (istiod's SidecarScope.DependsOnConfig and
// proxy_dependencies.go ConfigAffectsProxy): for a push whose changes are VirtualServices and/or
// DestinationRules only, decide cheaply whether any changed config can reach a proxy's
// translation at all. Every other input of translation is the same in both pushes, so a proxy
// that no changed config reaches would be translated to exactly what it was served: the server
// moves it to the new push without building anything.
// Contract: the answers are conservative. "Reached" may be a false positive (the caller then runs
// its exact compare or a full translation), never a false negative. Each test mirrors where
// translation reads the kind, and is computed once per group of proxies sharing what it depends
// on (scope, namespace, labels), through the push memo, keyed by this change set.
import type { ConfigKey, ConfigResource } from '../model/config.js';
import type { DestinationRuleSpec, VirtualServiceSpec } from '../model/istio-types.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext, ResolvedVirtualService } from '../model/push-context.js';
import { hostsMatch, isWildcard, resolveShortName } from '../model/registry/hostnames.js';
import { labelsKey, memo, objectId } from '../translate/cache/push-memo.js';
import { sharedSidecarScope } from '../translate/cache/shared-routing.js';
import type { SidecarScope } from '../translate/listener/sidecar-scope.js';
import { destinationsOf } from './gateway-cluster-filter.js';

const VIRTUAL_SERVICE = 'VirtualService';
const DESTINATION_RULE = 'DestinationRule';

/** One version (before or after the change) of a changed DestinationRule, as lookups see it. */
interface ChangedRule {
  /** The rule's host resolved in its namespace, as the DestinationRule index keys it. */
  host: string;
  /** Whether the rule can change what a lookup from a proxy in `namespace` returns. */
  visibleTo(namespace: string): boolean;
}

/** Gateway proxies (Envoy): their routing comes from Gateway-bound VirtualServices. */
function isEnvoyGateway(proxy: Proxy): boolean {
  return proxy.type === 'router' && proxy.generator !== 'grpc';
}

/**
 * Where a DestinationRule can change lookups from (destination-rule-index.ts). A private rule
 * (exportTo only `.` or its own namespace; every rule with a workloadSelector) is indexed for its
 * namespace's lookups only. Any other rule sits in its namespace's exported rules, where the most
 * specific host match is taken BEFORE exportTo filters it: a rule not exported to a namespace
 * still shadows a less specific one that is (as istiod does). So it can change lookups from
 * every namespace, exportTo notwithstanding. Rules of the root namespace count as public.
 */
function changedRule(rule: ConfigResource<DestinationRuleSpec>, push: PushContext): ChangedRule {
  const ns = rule.metadata.namespace;
  const host = resolveShortName(rule.spec.host, ns, push.mesh.domainSuffix);
  const exportTo = new Set(rule.spec.workloadSelector ? ['.'] : (rule.spec.exportTo ?? []));
  const privateOnly = exportTo.size === 1 && (exportTo.has('.') || exportTo.has(ns));
  if (privateOnly && ns !== push.mesh.rootNamespace) return { host, visibleTo: (n) => n === ns };
  return { host, visibleTo: () => true };
}

/**
 * Whether a DestinationRule lookup for `hostname` can return a different rule when rules of
 * these hosts change. A lookup only consults rules whose host equals the needle or is a
 * wildcard covering it (Istio's MostSpecificHostMatch), and rules are merged only with rules of
 * the same host; hostsMatch (symmetric wildcard matching) is a superset of both.
 */
class HostMatcher {
  private readonly exact = new Set<string>();
  private readonly all: string[] = [];
  private readonly wildcards: string[] = [];

  constructor(hosts: Iterable<string>) {
    for (const h of hosts) {
      this.all.push(h);
      if (isWildcard(h)) this.wildcards.push(h);
      else this.exact.add(h);
    }
  }

  get empty(): boolean {
    return this.all.length === 0;
  }

  matches(hostname: string): boolean {
    if (this.exact.has(hostname)) return true;
    if (isWildcard(hostname)) return this.all.some((h) => hostsMatch(h, hostname));
    return this.wildcards.some((h) => hostsMatch(h, hostname));
  }
}

/** Resolved destination hosts of a VirtualService (route, mirror, TCP and TLS destinations). */
const destinationHostsByResource = new WeakMap<
  ConfigResource<VirtualServiceSpec>,
  { suffix: string; hosts: string[] }
>();
function destinationHosts(vs: ConfigResource<VirtualServiceSpec>, suffix: string): string[] {
  const cached = destinationHostsByResource.get(vs);
  if (cached?.suffix === suffix) return cached.hosts;
  const ns = vs.metadata.namespace;
  const hosts = new Set<string>();
  for (const d of destinationsOf(vs.spec)) {
    if (!d?.host) continue;
    // Route building resolves destinations in the VirtualService's namespace; the raw form is
    // kept too, so any lookup by either spelling is covered.
    hosts.add(d.host);
    hosts.add(resolveShortName(d.host, ns, suffix));
  }
  const out = [...hosts];
  destinationHostsByResource.set(vs, { suffix, hosts: out });
  return out;
}

/** A Sidecar scope imports a VirtualService of `namespace` for `host` (any egress listener). */
function hostVisible(scope: SidecarScope, namespace: string, host: string): boolean {
  return (
    scope.isHostVisible(namespace, host) ||
    scope.egressListeners.some((l) => l.isHostVisible(namespace, host))
  );
}

/** The VirtualService and DestinationRule changes of one push, with both versions of each. */
export class ConfigChanges {
  /** Before and after versions of every changed VirtualService (resources are shared objects). */
  private readonly virtualServices: ReadonlySet<ConfigResource<VirtualServiceSpec>>;
  private readonly destinationRules: readonly ChangedRule[];
  /** Hosts of the changed rules visible from a namespace ('' for all of them). */
  private readonly matchers = new Map<string, HostMatcher>();
  /** Names this change set in memo keys: a push's memo may hold answers of two change sets. */
  private readonly id = objectId(this);

  private constructor(
    virtualServices: ReadonlySet<ConfigResource<VirtualServiceSpec>>,
    destinationRules: readonly ChangedRule[],
  ) {
    this.virtualServices = virtualServices;
    this.destinationRules = destinationRules;
  }

  /**
   * The changes behind `keys` (`Kind/ns/name`) between two consecutive pushes; undefined when a
   * key of any other kind changed (dependencies are then not tracked).
   */
  static of(
    keys: Iterable<ConfigKey>,
    previous: PushContext,
    push: PushContext,
  ): ConfigChanges | undefined {
    const vsKeys = new Set<string>();
    const drKeys = new Set<string>();
    for (const key of keys) {
      const slash = key.indexOf('/');
      const kind = key.slice(0, slash);
      const nsName = key.slice(slash + 1);
      if (kind === VIRTUAL_SERVICE) vsKeys.add(nsName);
      else if (kind === DESTINATION_RULE) drKeys.add(nsName);
      else return undefined;
    }
    const virtualServices = new Set<ConfigResource<VirtualServiceSpec>>();
    const rules: ChangedRule[] = [];
    for (const p of [previous, push]) {
      for (const vs of versionsOf(p.snapshot.virtualServices, vsKeys)) virtualServices.add(vs);
      for (const dr of versionsOf(p.snapshot.destinationRules, drKeys)) {
        rules.push(changedRule(dr, p));
      }
    }
    return new ConfigChanges(virtualServices, rules);
  }

  /**
   * Whether a changed VirtualService can reach the proxy's translation: for sidecars and
   * proxyless gRPC, one `virtualServicesFor(ns, 'mesh')` lists with a host the proxy's Sidecar
   * scope imports (as outbound listeners and route configs filter them); for gateways, one bound
   * to a Gateway selecting the proxy. Checked in both pushes (created, deleted, re-scoped).
   */
  virtualServicesReach(proxy: Proxy, previous: PushContext, push: PushContext): boolean {
    if (this.virtualServices.size === 0) return false;
    const ns = proxy.namespace;
    const changed = (vs: ResolvedVirtualService): boolean => this.virtualServices.has(vs.resource);
    if (isEnvoyGateway(proxy)) {
      return memo(push, `vs-reach-gw|${this.id}|${ns}|${labelsKey(proxy.labels)}`, () =>
        [previous, push].some((p) => gatewayVirtualServices(proxy, p).some(changed)),
      );
    }
    // Scopes are built from services and Sidecars, which this change set leaves alone: the
    // current push's scope stands for the previous one too.
    const scope = sharedSidecarScope(proxy, push);
    return memo(push, `vs-reach|${this.id}|${ns}|${objectId(scope)}`, () =>
      [previous, push].some((p) =>
        p
          .virtualServicesFor(ns, 'mesh')
          .some(
            (vs) =>
              changed(vs) &&
              vs.hosts.some((h) => hostVisible(scope, vs.resource.metadata.namespace, h)),
          ),
      ),
    );
  }

  /**
   * Whether a changed DestinationRule can reach the proxy's translation: one that can change
   * lookups from the proxy's namespace (changedRule) and whose host matches a hostname translation looks rules up for. Those are
   * the services its scope sees (clusters, subsets, load assignments, default routes' hash
   * policies; a gateway's scope is every visible service), the destinations of the
   * VirtualServices it may route with (hash policies), and its own services (inbound clusters).
   * A workloadSelector does not narrow this: rules of one host are merged whatever they select.
   */
  destinationRulesReach(proxy: Proxy, previous: PushContext, push: PushContext): boolean {
    if (this.destinationRules.length === 0) return false;
    const matcher = this.matcherFor(proxy.namespace);
    if (matcher.empty) return false;
    // Services (and so scopes) are the same in both pushes; VirtualServices may differ.
    const ns = proxy.namespace;
    const scope = sharedSidecarScope(proxy, push);
    const viaScope = memo(push, `dr-reach|${this.id}|${ns}|${objectId(scope)}`, () =>
      scope.services.some((s) => matcher.matches(s.hostname)),
    );
    if (viaScope) return true;
    const labels = labelsKey(proxy.labels);
    const own = memo(push, `workload-services|${ns}|${labels}`, () =>
      push.servicesForWorkload(ns, proxy.labels),
    );
    if (own.some((s) => matcher.matches(s.hostname))) return true;
    const routes = this.routingToChangedRules(previous, push);
    if (routes.size === 0) return false;
    const routesTo = (vss: readonly ResolvedVirtualService[]): boolean =>
      vss.some(
        (vs) =>
          routes.has(vs.resource) &&
          destinationHosts(vs.resource, push.mesh.domainSuffix).some((h) => matcher.matches(h)),
      );
    // Mesh VirtualServices of the namespace, whatever the scope imports (a superset).
    const viaMeshRoutes = memo(push, `dr-reach-vs|${this.id}|${ns}`, () =>
      [previous, push].some((p) => routesTo(p.virtualServicesFor(ns, 'mesh'))),
    );
    if (viaMeshRoutes) return true;
    if (!isEnvoyGateway(proxy)) return false;
    return memo(push, `dr-reach-gw|${this.id}|${ns}|${labels}`, () =>
      [previous, push].some((p) => routesTo(gatewayVirtualServices(proxy, p))),
    );
  }

  /** Whether only DestinationRules changed (no VirtualService). */
  get destinationRulesOnly(): boolean {
    return this.virtualServices.size === 0 && this.destinationRules.length > 0;
  }

  /**
   * Whether a DestinationRule lookup from `namespace` for `hostname` can return another rule
   * than in the previous push (conservative: may say yes when it does not).
   */
  destinationRuleMayChange(namespace: string, hostname: string): boolean {
    return this.matcherFor(namespace).matches(hostname);
  }

  /** Hosts of the changed rules visible from `namespace` (undefined: from anywhere). */
  private matcherFor(namespace: string | undefined): HostMatcher {
    const key = namespace ?? '';
    let m = this.matchers.get(key);
    if (m === undefined) {
      const rules = this.destinationRules.filter(
        (r) => namespace === undefined || r.visibleTo(namespace),
      );
      m = new HostMatcher(rules.map((r) => r.host));
      this.matchers.set(key, m);
    }
    return m;
  }

  /** VirtualServices (either push) routing to a changed rule's host at all: usually none. */
  private routingToChangedRules(
    previous: PushContext,
    push: PushContext,
  ): ReadonlySet<ConfigResource<VirtualServiceSpec>> {
    return memo(push, `dr-routing-vs|${this.id}`, () => {
      const all = this.matcherFor(undefined);
      const suffix = push.mesh.domainSuffix;
      const out = new Set<ConfigResource<VirtualServiceSpec>>();
      for (const p of [previous, push]) {
        for (const vs of p.snapshot.virtualServices) {
          if (destinationHosts(vs, suffix).some((h) => all.matches(h))) out.add(vs);
        }
      }
      return out;
    });
  }
}

/** The VirtualServices bound to the Gateways selecting a gateway proxy. */
function gatewayVirtualServices(proxy: Proxy, push: PushContext): ResolvedVirtualService[] {
  return push
    .gatewaysFor(proxy.namespace, proxy.labels)
    .flatMap((gw) =>
      push.virtualServicesFor(proxy.namespace, `${gw.metadata.namespace}/${gw.metadata.name}`),
    );
}

/** The resources of `list` whose `ns/name` is in `nsNames`. */
function versionsOf<S>(
  list: readonly ConfigResource<S>[],
  nsNames: ReadonlySet<string>,
): ConfigResource<S>[] {
  if (nsNames.size === 0) return [];
  return list.filter((r) => nsNames.has(`${r.metadata.namespace}/${r.metadata.name}`));
}
