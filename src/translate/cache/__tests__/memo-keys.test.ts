// The memo keys: proxies whose translation inputs agree share the very same objects; proxies
// whose inputs differ (namespace-local DestinationRule, workload-selecting DestinationRule,
// sourceLabels VirtualService, Sidecar scoping) get their own results, equal to an unmemoized
// translation.
import { toBinary } from '@bufbuild/protobuf';
import { ClusterSchema, type Cluster } from '../../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ListenerSchema } from '../../../gen/envoy/config/listener/v3/listener_pb.js';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../../gen/envoy/config/route/v3/route_pb.js';
import { parseProxy } from '../../../model/proxy-identity.js';
import type { PushContext } from '../../../model/push-context.js';
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import { BOOKINFO, GATEWAY, PRODUCTPAGE, testdata } from '../../__tests__/world.js';
import { translateProxy } from '../../translate-proxy.js';
import type { ProxyResources } from '../../types.js';
import { memo, withoutMemo } from '../push-memo.js';

const RATINGS = 'sidecar~10.244.1.21~ratings-v1-0.default~default.svc.cluster.local';
const OTHER = 'sidecar~10.244.5.5~client-0.other~other.svc.cluster.local';
const THIRD = 'sidecar~10.244.6.6~client-0.third~third.svc.cluster.local';
const REVIEWS_CLUSTER = 'outbound|9080||reviews.default.svc.cluster.local';
const RATINGS_CLUSTER = 'outbound|9080||ratings.default.svc.cluster.local';

const clientPod = (ns: string, ip: string): string => `apiVersion: v1
kind: Pod
metadata: {name: client-0, namespace: ${ns}, labels: {app: client}}
spec: {serviceAccountName: client}
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: 'True'}]}`;

const CLIENTS = [clientPod('other', '10.244.5.5'), clientPod('third', '10.244.6.6')].join(
  '\n---\n',
);

function world(...extra: string[]): PushContext {
  return pushContextFromYaml([BOOKINFO, CLIENTS, ...extra].join('\n---\n'));
}

function translate(push: PushContext, nodeId: string): ProxyResources {
  const proxy = parseProxy(nodeId, {}, push);
  if (!proxy.ok) throw new Error(proxy.error);
  return translateProxy(proxy.value, push);
}

function unmemoized(push: PushContext, nodeId: string): ProxyResources {
  return withoutMemo(() => translate(push, nodeId));
}

function cluster(res: ProxyResources, name: string): Cluster {
  const c = res.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`no cluster ${name}`);
  return c;
}

function route(res: ProxyResources, name: string): RouteConfiguration {
  const r = res.routes.find((x) => x.name === name);
  if (!r) throw new Error(`no route config ${name}`);
  return r;
}

const clusterBytes = (c: Cluster): Uint8Array => toBinary(ClusterSchema, c);
const routeBytes = (r: RouteConfiguration): Uint8Array => toBinary(RouteConfigurationSchema, r);

describe('memo', () => {
  it('builds once per push and key, and starts empty for a new push', () => {
    const a = world();
    let builds = 0;
    const build = (): object => ({ n: ++builds });
    const first = memo(a, 'k', build);
    expect(memo(a, 'k', build)).toBe(first);
    expect(memo(a, 'other', build)).not.toBe(first);
    expect(memo(world(), 'k', build)).not.toBe(first);
    expect(builds).toBe(3);
  });
});

describe('memo keys', () => {
  it('shares clusters, route configs, listeners and assignments within a namespace', () => {
    const push = world();
    const pp = translate(push, PRODUCTPAGE);
    const ratings = translate(push, RATINGS);
    expect(cluster(ratings, REVIEWS_CLUSTER)).toBe(cluster(pp, REVIEWS_CLUSTER));
    expect(route(ratings, '9080')).toBe(route(pp, '9080'));
    const outbound = (r: ProxyResources) => r.listeners.find((l) => l.name === '0.0.0.0_9080');
    expect(outbound(ratings)).toBeDefined();
    expect(outbound(ratings)).toBe(outbound(pp));
    const cla = (r: ProxyResources) => r.endpoints.find((e) => e.clusterName === REVIEWS_CLUSTER);
    expect(cla(ratings)).toBe(cla(pp));
    // Per-proxy pieces are not shared: the inbound side names the proxy's own service.
    const inbound = (r: ProxyResources) => r.listeners.find((l) => l.name === 'virtualInbound');
    expect(inbound(ratings)).not.toBe(inbound(pp));
  });

  it('shares a cluster across namespaces that see the same DestinationRule', () => {
    const push = world();
    const pp = translate(push, PRODUCTPAGE);
    const other = translate(push, OTHER);
    expect(cluster(other, RATINGS_CLUSTER)).toBe(cluster(pp, RATINGS_CLUSTER));
    // The route config is per namespace: short host names differ (`reviews` only in default).
    expect(route(other, '9080')).not.toBe(route(pp, '9080'));
    expect(routeBytes(route(other, '9080'))).toEqual(
      routeBytes(route(unmemoized(push, OTHER), '9080')),
    );
  });

  it('gives a namespace with its own DestinationRule its own clusters', () => {
    const push = world(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-local, namespace: other}
spec:
  host: reviews.default.svc.cluster.local
  exportTo: ['.']
  trafficPolicy: {loadBalancer: {simple: RANDOM}}
  subsets: [{name: v1, labels: {version: v1}}]`);
    const pp = translate(push, PRODUCTPAGE);
    const other = translate(push, OTHER);
    const third = translate(push, THIRD);
    expect(cluster(other, REVIEWS_CLUSTER)).not.toBe(cluster(pp, REVIEWS_CLUSTER));
    expect(clusterBytes(cluster(other, REVIEWS_CLUSTER))).not.toEqual(
      clusterBytes(cluster(pp, REVIEWS_CLUSTER)),
    );
    expect(other.clusters.map((c) => c.name)).toContain(
      'outbound|9080|v1|reviews.default.svc.cluster.local',
    );
    expect(third.clusters.map((c) => c.name)).not.toContain(
      'outbound|9080|v1|reviews.default.svc.cluster.local',
    );
    expect(cluster(third, REVIEWS_CLUSTER)).toBe(cluster(pp, REVIEWS_CLUSTER));
    for (const [res, id] of [
      [other, OTHER],
      [third, THIRD],
    ] as const) {
      const plain = unmemoized(push, id);
      expect(res.clusters.map(clusterBytes)).toEqual(plain.clusters.map(clusterBytes));
    }
  });

  it('keys on labels when a DestinationRule selects workloads in the namespace', () => {
    const push = world(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-for-productpage, namespace: default}
spec:
  host: reviews
  workloadSelector: {matchLabels: {app: productpage}}
  trafficPolicy: {loadBalancer: {simple: RANDOM}}`);
    const pp = translate(push, PRODUCTPAGE);
    const ratings = translate(push, RATINGS);
    expect(clusterBytes(cluster(pp, REVIEWS_CLUSTER))).not.toEqual(
      clusterBytes(cluster(ratings, REVIEWS_CLUSTER)),
    );
    expect(clusterBytes(cluster(ratings, REVIEWS_CLUSTER))).toEqual(
      clusterBytes(cluster(unmemoized(push, RATINGS), REVIEWS_CLUSTER)),
    );
  });

  it('keys route configs on labels when a VirtualService matches sourceLabels', () => {
    const vs = (sourceLabels: boolean): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - ${sourceLabels ? 'match: [{sourceLabels: {app: productpage}}]\n    ' : ''}route: [{destination: {host: reviews, subset: v2}}]
  - route: [{destination: {host: reviews, subset: v1}}]`;
    const selecting = world(vs(true));
    const pp = translate(selecting, PRODUCTPAGE);
    const ratings = translate(selecting, RATINGS);
    expect(routeBytes(route(pp, '9080'))).not.toEqual(routeBytes(route(ratings, '9080')));
    expect(routeBytes(route(ratings, '9080'))).toEqual(
      routeBytes(route(unmemoized(selecting, RATINGS), '9080')),
    );
    expect(routeBytes(route(pp, '9080'))).toEqual(
      routeBytes(route(unmemoized(selecting, PRODUCTPAGE), '9080')),
    );

    const plain = world(vs(false));
    expect(route(translate(plain, RATINGS), '9080')).toBe(
      route(translate(plain, PRODUCTPAGE), '9080'),
    );
  });

  it('shares gateway listeners and route configs between replicas with the same labels', () => {
    const replica = (name: string, ip: string, extra: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: istio-system
  labels: {app: istio-ingressgateway, istio: ingressgateway${extra}}
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: 'True'}]}`;
    const push = world(
      testdata('in', 'gateway-tls.yaml'),
      replica('istio-ingressgateway-1', '10.244.9.11', ''),
      replica('istio-ingressgateway-2', '10.244.9.12', ', canary: "true"'),
    );
    const gw = (pod: string, ip: string): string =>
      `router~${ip}~${pod}.istio-system~istio-system.svc.cluster.local`;
    const first = translate(push, GATEWAY);
    const second = translate(push, gw('istio-ingressgateway-1', '10.244.9.11'));
    expect(first.listeners.length).toBeGreaterThan(0);
    second.listeners.forEach((l, i) => expect(l).toBe(first.listeners[i]));
    expect(second.routes[0]).toBe(first.routes[0]);
    // Other labels: its own objects (a Gateway could select on them), equal to unmemoized ones.
    const canaryId = gw('istio-ingressgateway-2', '10.244.9.12');
    const canary = translate(push, canaryId);
    expect(canary.listeners[0]).not.toBe(first.listeners[0]);
    const listenerBytes = (r: ProxyResources) =>
      r.listeners.map((l) => toBinary(ListenerSchema, l));
    expect(listenerBytes(canary)).toEqual(listenerBytes(unmemoized(push, canaryId)));
  });

  it('keys on the Sidecar scope that applies', () => {
    const push = world(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: other}
spec:
  egress: [{hosts: ['./*', 'istio-system/*']}]`);
    const other = translate(push, OTHER);
    const third = translate(push, THIRD);
    expect(other.clusters.map((c) => c.name)).not.toContain(REVIEWS_CLUSTER);
    expect(third.clusters.map((c) => c.name)).toContain(REVIEWS_CLUSTER);
    expect(other.routes.map((r) => r.name)).not.toContain('9080');
    expect(third.routes.map((r) => r.name)).toContain('9080');
    const plain = unmemoized(push, OTHER);
    expect(other.clusters.map((c) => c.name)).toEqual(plain.clusters.map((c) => c.name));
    expect(other.listeners.map((l) => l.name)).toEqual(plain.listeners.map((l) => l.name));
  });
});
