// The per-proxy push decision and its application, without a server: choosePushPath picks the
// expected path for each kind of change and proxy, and ProxyPusher, whatever path it takes,
// leaves a snapshot byte-identical to a full, unmemoized translation with the new context.
import { create } from '@bufbuild/protobuf';
import { NodeSchema } from '../../gen/envoy/config/core/v3/base_pb.js';
import type { ConfigKey } from '../../model/config.js';
import { parseProxy } from '../../model/proxy-identity.js';
import type { PushContext } from '../../model/push-context.js';
import { pushContextFromYaml } from '../../model/testing/snapshot-from-yaml.js';
import { BOOKINFO, GATEWAY, PRODUCTPAGE } from '../../translate/__tests__/world.js';
import { withoutMemo } from '../../translate/cache/push-memo.js';
import { translateProxy } from '../../translate/translate-proxy.js';
import { SnapshotCache, type Snapshot } from '../../xds/snapshot-cache.js';
import { pushGeneration, type ConnectedProxy } from '../connected-proxy.js';
import { filterGatewayClusters } from '../gateway-cluster-filter.js';
import { pushWorkFor } from '../pending-push.js';
import { ProxyPusher } from '../proxy-pusher.js';
import { ResourceInterner, snapshotOf } from '../proxy-snapshot.js';
import { choosePushPath, isFastPath, type PushPath } from '../push-path.js';
import { GATEWAY_CONFIG, gatewayVs } from './support/bookinfo-gateway.js';

const DETAILS = 'sidecar~10.244.1.11~details-v1-0.default~default.svc.cluster.local';

const isDetailsEndpoints = (text: string): boolean =>
  /kind: Endpoints\s*\nmetadata:\s*\n\s+name: details\b/.test(text);
const WORLD = BOOKINFO.split(/^---$/m)
  .filter((d) => !isDetailsEndpoints(d))
  .join('---');

const detailsEndpoints = (ips: string[], port = 9080): string => `apiVersion: v1
kind: Endpoints
metadata: {name: details, namespace: default}
subsets:
- addresses: [${ips.map((ip) => `{ip: ${ip}}`).join(', ')}]
  ports: [{name: http, port: ${port}}]`;

const reviewsVs = (timeout: string, labels = '{}'): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default, labels: ${labels}}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, port: {number: 9080}}}], timeout: ${timeout}}]`;

const otherNamespaceVs = (timeout: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: private, namespace: other}
spec:
  hosts: [reviews.default.svc.cluster.local]
  exportTo: ['.']
  http: [{route: [{destination: {host: reviews.default.svc.cluster.local}}], timeout: ${timeout}}]`;

const peerAuthentication = (
  namespace: string,
  mode: string,
): string => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: ${namespace}}
spec: {mtls: {mode: ${mode}}}`;

const denyAll = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: default}
spec: {}`;

const productpageBoundIngress = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: productpage, namespace: default}
spec:
  workloadSelector: {labels: {app: productpage}}
  ingress:
  - port: {number: 9080, protocol: HTTP, name: http}
    defaultEndpoint: 127.0.0.1:9080
    captureMode: NONE`;

const ratingsDr = (lb: string): string => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec:
  host: ratings
  trafficPolicy: {loadBalancer: {simple: ${lb}}}`;

const BASE = [WORLD, GATEWAY_CONFIG];

/** One push: the world before and after, and the keys the store reported as changed. */
interface Change {
  name: string;
  before: string[];
  after: string[];
  keys: ConfigKey[];
  endpointOnly?: boolean;
}

const CHANGES = {
  endpoints: {
    name: 'details Endpoints',
    before: [detailsEndpoints(['10.244.1.11'])],
    after: [detailsEndpoints(['10.244.1.11', '10.244.1.12'])],
    keys: ['Endpoints/default/details'],
    endpointOnly: true,
  },
  endpointsPort: {
    name: 'details Endpoints on another target port',
    before: [detailsEndpoints(['10.244.1.11'])],
    after: [detailsEndpoints(['10.244.1.11'], 9081)],
    keys: ['Endpoints/default/details'],
    endpointOnly: true,
  },
  endpointsOwnRemoved: {
    name: 'details Endpoints without the details pod',
    before: [detailsEndpoints(['10.244.1.11'])],
    after: [detailsEndpoints(['10.244.1.12'])],
    keys: ['Endpoints/default/details'],
    endpointOnly: true,
  },
  reviewsVs: {
    name: 'reviews VirtualService timeout',
    before: [reviewsVs('5s')],
    after: [reviewsVs('7s')],
    keys: ['VirtualService/default/reviews'],
  },
  reviewsVsLabels: {
    name: 'reviews VirtualService labels only',
    before: [reviewsVs('5s')],
    after: [reviewsVs('5s', '{team: a}')],
    keys: ['VirtualService/default/reviews'],
  },
  privateVs: {
    name: 'VirtualService exported to its own namespace only',
    before: [],
    after: [otherNamespaceVs('3s')],
    keys: ['VirtualService/other/private'],
  },
  ratingsDr: {
    name: 'ratings DestinationRule',
    before: [ratingsDr('RANDOM')],
    after: [ratingsDr('LEAST_REQUEST')],
    keys: ['DestinationRule/default/ratings'],
  },
  meshPa: {
    name: 'mesh-wide PeerAuthentication',
    before: [],
    after: [peerAuthentication('istio-system', 'STRICT')],
    keys: ['PeerAuthentication/istio-system/default'],
  },
  meshPaBoundIngress: {
    name: 'mesh-wide PeerAuthentication, Sidecar-bound ingress',
    before: [productpageBoundIngress],
    after: [productpageBoundIngress, peerAuthentication('istio-system', 'STRICT')],
    keys: ['PeerAuthentication/istio-system/default'],
  },
  namespaceAuthz: {
    name: 'namespace AuthorizationPolicy',
    before: [],
    after: [denyAll],
    keys: ['AuthorizationPolicy/default/deny-all'],
  },
  disablePa: {
    name: 'namespace PeerAuthentication DISABLE',
    before: [],
    after: [peerAuthentication('default', 'DISABLE')],
    keys: ['PeerAuthentication/default/default'],
  },
  gatewayVs: {
    name: 'gateway VirtualService, same destinations',
    before: [gatewayVs('5s')],
    after: [gatewayVs('9s')],
    keys: ['VirtualService/default/bookinfo'],
  },
  gatewayVsNewHost: {
    name: 'gateway VirtualService, new destination',
    before: [gatewayVs('5s')],
    after: [gatewayVs('5s', true)],
    keys: ['VirtualService/default/bookinfo'],
  },
} satisfies Record<string, Change>;

const contextCache = new Map<string, PushContext>();
/** The world with `docs` (details keeps one endpoint unless they say otherwise). */
function contextOf(docs: string[]): PushContext {
  const endpoints = docs.some(isDetailsEndpoints) ? [] : [detailsEndpoints(['10.244.1.11'])];
  const text = [...BASE, ...endpoints, ...docs].join('\n---\n');
  let push = contextCache.get(text);
  if (push === undefined) contextCache.set(text, (push = pushContextFromYaml(text)));
  return push;
}

function proxyOf(nodeId: string, push: PushContext) {
  const parsed = parseProxy(nodeId, {}, push);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** Resources by type, then name, as encoded bytes (the snapshot's type set included). */
function contentOf(snapshot: Snapshot | undefined): Record<string, [string, string][]> {
  const out: Record<string, [string, string][]> = {};
  for (const [typeUrl, resources] of snapshot ?? []) {
    out[typeUrl] = [...resources.values()]
      .map((r): [string, string] => [r.name, Buffer.from(r.bytes).toString('hex')])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  return out;
}

/** The proxy's full, unmemoized translation with `push`, as a snapshot. */
function fullTranslation(nodeId: string, push: PushContext, filter: boolean): Snapshot {
  const proxy = proxyOf(nodeId, push);
  let resources = withoutMemo(() => translateProxy(proxy, push));
  if (filter) resources = filterGatewayClusters(proxy, push, resources);
  return snapshotOf(resources, new ResourceInterner());
}

interface Visit {
  change: Change;
  nodeId: string;
  filter?: boolean;
  /** The proxy was connected and served the previous push's config (else: an older one). */
  servedPrevious?: boolean;
  /** Drop the sidecar's recorded local route names (the routing patch then cannot apply). */
  withoutLocalRoutes?: boolean;
}

/** A proxy connected with the previous push (as the server does), then the push's work. */
function setUp(visit: Visit) {
  const { change, nodeId, filter = false } = visit;
  const previous = contextOf(change.before);
  const next = contextOf(change.after);
  const cache = new SnapshotCache();
  const pusher = new ProxyPusher(cache, filter);
  const connected: ConnectedProxy = {
    proxy: proxyOf(nodeId, previous),
    node: create(NodeSchema, { id: nodeId }),
    streams: 1,
    pushSeq: 0,
  };
  pusher.translateInto(nodeId, connected, pushGeneration(previous, 0));
  if (visit.withoutLocalRoutes) connected.localRoutes = undefined;
  const pending = {
    endpointOnly: change.endpointOnly ?? false,
    reasons: new Set<string>(),
    keys: new Set(change.keys),
  };
  // A proxy still on an older push than the one the work starts from.
  const from = visit.servedPrevious === false ? contextOf([]) : previous;
  const work = pushWorkFor(pending, from, pushGeneration(next, 1));
  return { cache, pusher, connected, work, next };
}

const CASES: (Visit & { path: PushPath })[] = [
  { change: CHANGES.endpoints, nodeId: PRODUCTPAGE, path: 'endpoints' },
  { change: CHANGES.endpoints, nodeId: GATEWAY, path: 'endpoints' },
  // The backend of the changed service: its inbound side may change.
  { change: CHANGES.endpoints, nodeId: DETAILS, path: 'patch-own-workload' },
  { change: CHANGES.endpoints, nodeId: DETAILS, withoutLocalRoutes: true, path: 'translate' },
  // The pod now serves details on 9081: its inbound listener and cluster follow.
  { change: CHANGES.endpointsPort, nodeId: DETAILS, path: 'patch-own-workload' },
  { change: CHANGES.endpointsPort, nodeId: PRODUCTPAGE, path: 'endpoints' },
  // The pod's service account leaves the SANs of the details clusters: every proxy translates.
  { change: CHANGES.endpointsOwnRemoved, nodeId: DETAILS, path: 'translate' },
  { change: CHANGES.endpointsOwnRemoved, nodeId: PRODUCTPAGE, path: 'translate' },
  { change: CHANGES.reviewsVs, nodeId: PRODUCTPAGE, path: 'patch-routing' },
  { change: CHANGES.reviewsVs, nodeId: PRODUCTPAGE, withoutLocalRoutes: true, path: 'translate' },
  { change: CHANGES.reviewsVs, nodeId: GATEWAY, path: 'skip' },
  { change: CHANGES.reviewsVsLabels, nodeId: PRODUCTPAGE, path: 'routing-unchanged' },
  { change: CHANGES.privateVs, nodeId: PRODUCTPAGE, path: 'skip' },
  { change: CHANGES.ratingsDr, nodeId: PRODUCTPAGE, path: 'patch-destination-rules' },
  { change: CHANGES.ratingsDr, nodeId: GATEWAY, path: 'patch-destination-rules' },
  { change: CHANGES.ratingsDr, nodeId: GATEWAY, filter: true, path: 'patch-destination-rules' },
  { change: CHANGES.meshPa, nodeId: PRODUCTPAGE, path: 'patch-listeners' },
  { change: CHANGES.meshPa, nodeId: GATEWAY, path: 'patch-listeners' },
  { change: CHANGES.meshPaBoundIngress, nodeId: PRODUCTPAGE, path: 'patch-listeners' },
  { change: CHANGES.namespaceAuthz, nodeId: GATEWAY, path: 'skip' },
  { change: CHANGES.namespaceAuthz, nodeId: DETAILS, path: 'patch-listeners' },
  { change: CHANGES.disablePa, nodeId: PRODUCTPAGE, path: 'translate' },
  { change: CHANGES.gatewayVs, nodeId: PRODUCTPAGE, path: 'skip' },
  { change: CHANGES.gatewayVs, nodeId: GATEWAY, path: 'patch-gateway-routing' },
  { change: CHANGES.gatewayVs, nodeId: GATEWAY, filter: true, path: 'patch-gateway-routing' },
  { change: CHANGES.gatewayVsNewHost, nodeId: GATEWAY, path: 'patch-gateway-routing' },
  { change: CHANGES.gatewayVsNewHost, nodeId: GATEWAY, filter: true, path: 'translate' },
];

const caseName = (c: Visit): string =>
  `${c.change.name}, ${c.nodeId.split('~')[2]}${c.filter ? ', gateway filter' : ''}${
    c.withoutLocalRoutes ? ', no local routes' : ''
  }`;

describe('choosePushPath', () => {
  it.each(CASES.map((c) => [caseName(c), c] as const))('%s', (_, c) => {
    const { cache, connected, work } = setUp(c);
    const served = cache.getSnapshot(c.nodeId);
    if (served === undefined) throw new Error('not served');
    expect(choosePushPath(connected, served, work, c.filter ?? false)).toBe(c.path);
  });

  it('counts the paths that build nothing per proxy as fast', () => {
    const paths: PushPath[] = [
      'translate',
      'endpoints',
      'patch-own-workload',
      'patch-routing',
      'patch-gateway-routing',
      'patch-listeners',
      'patch-destination-rules',
      'routing-unchanged',
      'skip',
    ];
    expect(paths.filter(isFastPath)).toEqual(['endpoints', 'routing-unchanged', 'skip']);
  });
});

describe('ProxyPusher', () => {
  it.each(CASES.map((c) => [caseName(c), c] as const))(
    '%s: takes that path to a full translation',
    (_, c) => {
      const { cache, pusher, connected, work, next } = setUp(c);
      const before = cache.getSnapshot(c.nodeId);
      const outcome = pusher.pushProxy(c.nodeId, connected, work);
      const after = cache.getSnapshot(c.nodeId);
      expect(outcome.path).toBe(c.path);
      expect(contentOf(after)).toEqual(contentOf(fullTranslation(c.nodeId, next, !!c.filter)));
      expect(outcome.changed).toBe(
        JSON.stringify(contentOf(before)) !== JSON.stringify(contentOf(after)),
      );
      // Paths that keep the served config keep the very snapshot object.
      if (c.path === 'skip' || c.path === 'routing-unchanged') expect(after).toBe(before);
      expect({ push: connected.push === next, seq: connected.pushSeq }).toEqual({
        push: true,
        seq: 1,
      });
    },
  );

  it('translates a proxy that was not served the previous push', () => {
    const c = { change: CHANGES.reviewsVs, nodeId: PRODUCTPAGE, servedPrevious: false };
    const { cache, pusher, connected, work, next } = setUp(c);
    expect(pusher.pushProxy(c.nodeId, connected, work).path).toBe('translate');
    expect(contentOf(cache.getSnapshot(c.nodeId))).toEqual(
      contentOf(fullTranslation(c.nodeId, next, false)),
    );
  });
});
