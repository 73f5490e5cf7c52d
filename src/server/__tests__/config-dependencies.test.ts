// Dependency tracking in the server's pushes: for VirtualService / DestinationRule changes (and
// endpoint changes, per scope), a proxy no changed config can reach is skipped (its snapshot object kept, counted in
// skippedProxies), and after every push EVERY connected proxy's served snapshot equals a fresh,
// unmemoized full translation with the new push, with Sidecar scoping and gateway cluster
// filtering each on and off.
import { toBinary } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { Node } from '../../gen/envoy/config/core/v3/base_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { buildPushContext } from '../../model/build-push-context.js';
import { parseProxy } from '../../model/proxy-identity.js';
import { MemorySource } from './support/memory-source.js';
import { BOOKINFO, GATEWAY, PRODUCTPAGE, REVIEWS_V1 } from '../../translate/__tests__/world.js';
import { withoutMemo } from '../../translate/cache/push-memo.js';
import { translateProxy } from '../../translate/translate-proxy.js';
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE } from '../../xds/type-urls.js';
import { DiscoveryServer } from '../discovery-server.js';
import { filterGatewayClusters } from '../gateway-cluster-filter.js';
import { GATEWAY_CONFIG, gatewayVs } from './support/bookinfo-gateway.js';

const DETAILS = 'sidecar~10.244.1.11~details-v1-0.default~default.svc.cluster.local';
const CATALOG = 'sidecar~10.244.3.10~catalog-v1-0.shop~shop.svc.cluster.local';
const GRPC = 'sidecar~10.244.5.10~client-0.default~default.svc.cluster.local';

/** Every proxy of the world, with its node metadata. */
const NODES: [string, Record<string, unknown>][] = [
  [PRODUCTPAGE, {}],
  [REVIEWS_V1, {}],
  [DETAILS, {}],
  [CATALOG, {}],
  [GATEWAY, {}],
  [GRPC, { GENERATOR: 'grpc', LABELS: { app: 'client' } }],
];
const DEFAULT_SIDECARS = [PRODUCTPAGE, REVIEWS_V1, DETAILS, GRPC];
const ALL_SIDECARS = [...DEFAULT_SIDECARS, CATALOG];
const ENVOY_PROXIES = [...ALL_SIDECARS.filter((id) => id !== GRPC), GATEWAY];

const SHOP = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: catalog, namespace: shop}
spec:
  clusterIP: 10.96.20.11
  selector: {app: catalog}
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Pod
metadata: {name: catalog-v1-0, namespace: shop, labels: {app: catalog, version: v1}}
spec: {serviceAccountName: catalog}
status:
  phase: Running
  podIP: 10.244.3.10
  conditions: [{type: Ready, status: 'True'}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: catalog, namespace: shop}
subsets:
- addresses: [{ip: 10.244.3.10}]
  ports: [{name: http, port: 9080}]`;

const SIDECARS = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress: [{hosts: ['./*', 'istio-system/*']}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress: [{hosts: ['./*']}]`;

const reviewsVs = (timeout: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, port: {number: 9080}}}], timeout: ${timeout}}]`;

const catalogVs = (timeout: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: catalog, namespace: shop}
spec:
  hosts: [catalog]
  exportTo: ['.']
  http: [{route: [{destination: {host: catalog, port: {number: 9080}}}], timeout: ${timeout}}]`;

const reviewsDr = (lb: string): string => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  trafficPolicy: {loadBalancer: {simple: ${lb}}}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}`;

const shopWildcardDr = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: shop-wide, namespace: shop}
spec:
  host: '*.shop.svc.cluster.local'
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 7}}}`;

const ratingsSelectorDr = (lb: string): string => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings-for-productpage, namespace: default}
spec:
  host: ratings
  workloadSelector: {matchLabels: {app: productpage}}
  trafficPolicy: {loadBalancer: {simple: ${lb}}}`;

const catalogDr = (exportTo: string): string => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: catalog, namespace: shop}
spec:
  host: catalog
  exportTo: [${exportTo}]
  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}`;

const rootDetailsDr = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: details-mesh, namespace: istio-system}
spec:
  host: details.default.svc.cluster.local
  trafficPolicy: {loadBalancer: {simple: RANDOM}}`;

const peerAuthentication = (
  name: string,
  namespace: string,
  spec: string,
): string => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ${name}, namespace: ${namespace}}
spec: ${spec}`;

const catalogAuthz = (principal: string): string => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: catalog-viewers, namespace: shop}
spec:
  selector: {matchLabels: {app: catalog}}
  action: ALLOW
  rules: [{from: [{source: {principals: ['${principal}']}}]}]`;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface Step {
  name: string;
  apply(source: MemorySource): void;
  /** Kinds the push reports. */
  reasons: string[];
  /** Proxies the change cannot reach: skipped without building anything. */
  unreached(scoping: boolean): string[];
  /** Listener-only push (security-changes.ts): these proxies keep their very cluster map. */
  keepClusters?: string[];
  /** DestinationRule-only push (destination-rule-delta.ts): these keep their listener map. */
  keepListeners?: string[];
}

const onlyIf = (cond: boolean, ...ids: string[]): string[] => (cond ? ids : []);

const STEPS: Step[] = [
  {
    name: 'VirtualService create (default, public)',
    apply: (s) => s.set('reviews-vs', reviewsVs('5s')),
    reasons: ['VirtualService'],
    unreached: (scoping) => [GATEWAY, ...onlyIf(scoping, CATALOG)],
  },
  {
    name: 'VirtualService update',
    apply: (s) => s.set('reviews-vs', reviewsVs('7s')),
    reasons: ['VirtualService'],
    unreached: (scoping) => [GATEWAY, ...onlyIf(scoping, CATALOG)],
  },
  {
    name: 'VirtualService create (shop, exportTo .)',
    apply: (s) => s.set('catalog-vs', catalogVs('3s')),
    reasons: ['VirtualService'],
    unreached: () => [...DEFAULT_SIDECARS, GATEWAY],
  },
  {
    name: 'gateway VirtualService update, same destinations',
    apply: (s) => s.set('gateway-vs', gatewayVs('9s')),
    reasons: ['VirtualService'],
    unreached: () => ALL_SIDECARS,
  },
  {
    name: 'gateway VirtualService update, new destination',
    apply: (s) => s.set('gateway-vs', gatewayVs('9s', true)),
    reasons: ['VirtualService'],
    unreached: () => ALL_SIDECARS,
  },
  {
    name: 'VirtualService delete',
    apply: (s) => s.remove('reviews-vs'),
    reasons: ['VirtualService'],
    unreached: (scoping) => [GATEWAY, ...onlyIf(scoping, CATALOG)],
  },
  {
    name: 'DestinationRule create (default)',
    apply: (s) => s.set('reviews-dr', reviewsDr('RANDOM')),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: (scoping) => onlyIf(scoping, CATALOG),
  },
  {
    name: 'DestinationRule update',
    apply: (s) => s.set('reviews-dr', reviewsDr('LEAST_REQUEST')),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: (scoping) => onlyIf(scoping, CATALOG),
  },
  {
    // The default route to reviews gets the rule's hash policy: route configs change too.
    name: 'DestinationRule update, consistent hash',
    apply: (s) =>
      s.set(
        'reviews-dr',
        reviewsDr('ROUND_ROBIN').replace(
          '{simple: ROUND_ROBIN}',
          '{consistentHash: {httpHeaderName: x-user}}',
        ),
      ),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: (scoping) => onlyIf(scoping, CATALOG),
  },
  {
    name: 'DestinationRule create, wildcard host',
    apply: (s) => s.set('shop-dr', shopWildcardDr),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: (scoping) => onlyIf(scoping, ...DEFAULT_SIDECARS),
  },
  {
    name: 'DestinationRule create, workloadSelector',
    apply: (s) => s.set('ratings-dr', ratingsSelectorDr('RANDOM')),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: () => [CATALOG, GATEWAY],
  },
  {
    name: 'DestinationRule update, workloadSelector',
    apply: (s) => s.set('ratings-dr', ratingsSelectorDr('ROUND_ROBIN')),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: () => [CATALOG, GATEWAY],
  },
  {
    name: 'DestinationRule create, exportTo .',
    apply: (s) => s.set('catalog-dr', catalogDr("'.'")),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: () => [...DEFAULT_SIDECARS, GATEWAY],
  },
  {
    // Not exported to istio-system, it still shadows the wildcard rule there: the gateway's
    // catalog cluster loses the shop-wide policy.
    name: 'DestinationRule update, exported to another namespace',
    apply: (s) => s.set('catalog-dr', catalogDr('default')),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: (scoping) => onlyIf(scoping, ...DEFAULT_SIDECARS),
  },
  {
    name: 'DestinationRule create, root namespace',
    apply: (s) => s.set('root-dr', rootDetailsDr),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: (scoping) => onlyIf(scoping, CATALOG),
  },
  {
    name: 'VirtualService and DestinationRule in one push',
    apply: (s) =>
      s.setAll({ 'catalog-vs': catalogVs('4s'), 'ratings-dr': ratingsSelectorDr('RANDOM') }),
    reasons: ['DestinationRule', 'VirtualService'],
    unreached: () => [GATEWAY],
  },
  {
    name: 'DestinationRule delete',
    apply: (s) => s.remove('reviews-dr'),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: (scoping) => onlyIf(scoping, CATALOG),
  },
  {
    // The EDS fast path: sidecars whose scope cannot see catalog have no assignment of it; the
    // backend and the gRPC client are re-translated (canApplyEndpointDelta).
    name: 'Endpoints change',
    apply: (s) =>
      s.set('shop', SHOP.replace('[{ip: 10.244.3.10}]', '[{ip: 10.244.3.10}, {ip: 10.244.3.11}]')),
    reasons: ['Endpoints'],
    unreached: (scoping) => onlyIf(scoping, PRODUCTPAGE, REVIEWS_V1, DETAILS),
  },
  {
    name: 'DestinationRule delete, wildcard host',
    apply: (s) => s.remove('shop-dr'),
    reasons: ['DestinationRule'],
    keepListeners: ENVOY_PROXIES,
    unreached: (scoping) => onlyIf(scoping, ...DEFAULT_SIDECARS),
  },
  {
    name: 'PeerAuthentication create, mesh-wide STRICT',
    apply: (s) =>
      s.set('mesh-pa', peerAuthentication('default', 'istio-system', '{mtls: {mode: STRICT}}')),
    reasons: ['PeerAuthentication'],
    unreached: () => [],
    keepClusters: [...ALL_SIDECARS, GATEWAY],
  },
  {
    name: 'AuthorizationPolicy create (shop)',
    apply: (s) => s.set('catalog-authz', catalogAuthz('cluster.local/ns/default/sa/productpage')),
    reasons: ['AuthorizationPolicy'],
    unreached: () => [...DEFAULT_SIDECARS, GATEWAY],
    keepClusters: [CATALOG],
  },
  {
    name: 'PeerAuthentication create, workload selector and port level (default)',
    apply: (s) =>
      s.set(
        'reviews-pa',
        peerAuthentication(
          'reviews',
          'default',
          "{selector: {matchLabels: {app: reviews}}, mtls: {mode: PERMISSIVE}, portLevelMtls: {'9080': {mode: STRICT}}}",
        ),
      ),
    reasons: ['PeerAuthentication'],
    unreached: () => [CATALOG, GATEWAY],
    keepClusters: DEFAULT_SIDECARS,
  },
  {
    name: 'AuthorizationPolicy and PeerAuthentication in one push',
    apply: (s) =>
      s.setAll({
        'catalog-authz': catalogAuthz('cluster.local/ns/istio-system/sa/gateway'),
        'mesh-pa': peerAuthentication('default', 'istio-system', '{mtls: {mode: PERMISSIVE}}'),
      }),
    reasons: ['AuthorizationPolicy', 'PeerAuthentication'],
    unreached: () => [],
    keepClusters: [...ALL_SIDECARS, GATEWAY],
  },
  {
    // A DISABLE policy changes endpoints' tlsMode and auto mTLS: every proxy is translated.
    name: 'PeerAuthentication update, port level DISABLE',
    apply: (s) =>
      s.set(
        'reviews-pa',
        peerAuthentication(
          'reviews',
          'default',
          "{selector: {matchLabels: {app: reviews}}, portLevelMtls: {'9080': {mode: DISABLE}}}",
        ),
      ),
    reasons: ['PeerAuthentication'],
    unreached: () => [],
  },
  {
    name: 'PeerAuthentication create, namespace DISABLE',
    apply: (s) =>
      s.set('shop-pa', peerAuthentication('default', 'shop', '{mtls: {mode: DISABLE}}')),
    reasons: ['PeerAuthentication'],
    unreached: () => [],
  },
  {
    name: 'AuthorizationPolicy delete while a DISABLE policy exists',
    apply: (s) => s.remove('catalog-authz'),
    reasons: ['AuthorizationPolicy'],
    unreached: () => [],
  },
  {
    name: 'PeerAuthentication delete, namespace DISABLE',
    apply: (s) => s.remove('shop-pa'),
    reasons: ['PeerAuthentication'],
    unreached: () => [],
  },
  {
    name: 'PeerAuthentication delete, the last DISABLE',
    apply: (s) => s.remove('reviews-pa'),
    reasons: ['PeerAuthentication'],
    unreached: () => [],
  },
  {
    name: 'PeerAuthentication delete, mesh-wide',
    apply: (s) => s.remove('mesh-pa'),
    reasons: ['PeerAuthentication'],
    unreached: () => [],
    keepClusters: [...ALL_SIDECARS, GATEWAY],
  },
  {
    // Services are unchanged, so the push keeps the service registry: the default namespace's
    // scope must still be rebuilt for its new Sidecar (without scoping: its first one).
    name: 'Sidecar update (default also imports shop)',
    apply: (s) =>
      s.set(
        'sidecars',
        SIDECARS.replace("'./*', 'istio-system/*'", "'./*', 'istio-system/*', 'shop/*'"),
      ),
    reasons: ['Sidecar'],
    unreached: () => [],
  },
  {
    name: 'Sidecar delete',
    apply: (s) => s.remove('sidecars'),
    reasons: ['Sidecar'],
    unreached: () => [],
  },
];

describe.each([
  { scoping: false, filter: false },
  { scoping: true, filter: false },
  { scoping: false, filter: true },
  { scoping: true, filter: true },
])('dependency tracking (Sidecar scoping $scoping, gateway filter $filter)', (mode) => {
  let server: DiscoveryServer;
  let source: MemorySource;

  beforeAll(async () => {
    const initial = new Map([
      ['world', BOOKINFO],
      ['shop', SHOP],
      ['gateway', GATEWAY_CONFIG],
      ['gateway-vs', gatewayVs('5s')],
    ]);
    if (mode.scoping) initial.set('sidecars', SIDECARS);
    source = new MemorySource(initial);
    server = new DiscoveryServer({
      sources: [source],
      debounceMs: 5,
      debounceMaxMs: 20,
      filterGatewayClusters: mode.filter,
      memoReleaseMs: 0,
    });
    await server.start();
    // The ADS server's stream-open hook: proxies connect without gRPC streams.
    const open = (server as unknown as { onStreamOpen(node: Node): string }).onStreamOpen.bind(
      server,
    );
    for (const [id, metadata] of NODES) open({ id, metadata } as unknown as Node);
  });

  afterAll(async () => {
    await server.stop();
  });

  /** Applies the step and resolves once its push is recorded. */
  async function pushed(step: Step): Promise<void> {
    const before = server.history.total;
    step.apply(source);
    const deadline = Date.now() + 5000;
    while (server.history.total === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(server.history.total).toBe(before + 1);
  }

  function expectFullTranslation(nodeId: string, metadata: Record<string, unknown>): void {
    // Built from scratch: nothing carried over from earlier push contexts (registry, scopes).
    const current = server.pushContext;
    const push = buildPushContext(current.snapshot, current.mesh, current.version);
    const served = server.cache.getSnapshot(nodeId);
    const parsed = parseProxy(nodeId, metadata, push);
    if (!served || !parsed.ok) throw new Error(`${nodeId} is not connected`);
    let full = withoutMemo(() => translateProxy(parsed.value, push));
    if (mode.filter) full = filterGatewayClusters(parsed.value, push, full);
    const servedOf = (typeUrl: string): [string, string][] =>
      [...(served.get(typeUrl)?.values() ?? [])]
        .map((r): [string, string] => [r.name, hex(r.bytes)])
        .sort();
    const sorted = (pairs: [string, string][]): [string, string][] =>
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect({ nodeId, resources: servedOf(LISTENER_TYPE) }).toEqual({
      nodeId,
      resources: sorted(full.listeners.map((l) => [l.name, hex(toBinary(ListenerSchema, l))])),
    });
    expect({ nodeId, resources: servedOf(ROUTE_TYPE) }).toEqual({
      nodeId,
      resources: sorted(
        full.routes.map((r) => [r.name, hex(toBinary(RouteConfigurationSchema, r))]),
      ),
    });
    expect({ nodeId, resources: servedOf(CLUSTER_TYPE) }).toEqual({
      nodeId,
      resources: sorted(full.clusters.map((c) => [c.name, hex(toBinary(ClusterSchema, c))])),
    });
    expect({ nodeId, resources: servedOf(ENDPOINT_TYPE) }).toEqual({
      nodeId,
      resources: sorted(
        full.endpoints.map((e) => [e.clusterName, hex(toBinary(ClusterLoadAssignmentSchema, e))]),
      ),
    });
  }

  it.each(STEPS)('$name', async (step) => {
    const before = new Map(NODES.map(([id]) => [id, server.cache.getSnapshot(id)]));
    await pushed(step);
    const record = server.history.last();
    expect(record?.reasons).toEqual(step.reasons);
    expect(record?.superseded).toBe(false);
    const unreached = step.unreached(mode.scoping);
    expect(record?.skippedProxies).toBe(unreached.length);
    // A skipped proxy keeps its very snapshot object: nothing was built or diffed for it.
    for (const id of unreached) {
      expect({ id, same: server.cache.getSnapshot(id) === before.get(id) }).toEqual({
        id,
        same: true,
      });
    }
    const kept = (ids: string[] | undefined, typeUrl: string): void => {
      for (const id of ids ?? []) {
        const now = server.cache.getSnapshot(id)?.get(typeUrl);
        expect({ id, typeUrl, kept: now === before.get(id)?.get(typeUrl) }).toEqual({
          id,
          typeUrl,
          kept: true,
        });
      }
    };
    kept(step.keepClusters, CLUSTER_TYPE);
    kept(step.keepListeners, LISTENER_TYPE);
    for (const [id, metadata] of NODES) expectFullTranslation(id, metadata);
  });

  it('reached proxies took the patch or a translation, and the change reached them', () => {
    // The gateway's new destination (step 5) moved its host set: with filtering the gateway
    // was re-translated, so it now has the reviews clusters it routes to.
    const gatewayClusters = [
      ...(server.cache.getSnapshot(GATEWAY)?.get(CLUSTER_TYPE)?.keys() ?? []),
    ];
    expect(gatewayClusters).toContain('outbound|9080||reviews.default.svc.cluster.local');
    if (mode.filter) {
      expect(gatewayClusters).not.toContain('outbound|9080||catalog.shop.svc.cluster.local');
    }
  });
});
