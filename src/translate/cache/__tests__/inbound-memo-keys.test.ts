// The inbound memo keys: pods of one deployment (same Service ports, same policy selection, same
// IP family; pod-unique labels nothing selects on) share the very same virtualInbound listener,
// inbound clusters and fixed pieces; a pod whose PeerAuthentication or AuthorizationPolicy
// selection, ports, Sidecar ingress binding or IP family differs gets its own, equal to an
// unmemoized translation.
import { toBinary } from '@bufbuild/protobuf';
import { ClusterSchema, type Cluster } from '../../../gen/envoy/config/cluster/v3/cluster_pb.js';
import {
  ListenerSchema,
  type Listener,
} from '../../../gen/envoy/config/listener/v3/listener_pb.js';
import { parseProxy } from '../../../model/proxy-identity.js';
import type { PushContext } from '../../../model/push-context.js';
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import { translateProxy } from '../../translate-proxy.js';
import type { ProxyResources } from '../../types.js';
import { withoutMemo } from '../push-memo.js';

const SERVICES = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: tcp-admin, port: 9000}]
---
apiVersion: v1
kind: Service
metadata: {name: web-canary, namespace: shop}
spec:
  selector: {app: web, track: canary}
  ports: [{name: grpc, port: 7070}]`;

/** A pod of the `web` deployment: `app`/`version` shared, `pod` unique to it. */
function webPod(name: string, ip: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: shop
  labels: {app: web, version: v1, pod: ${name}${extra}}
spec: {serviceAccountName: web}
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: 'True'}]}`;
}

const PODS = [
  webPod('web-0', '10.1.0.10'),
  webPod('web-1', '10.1.0.11'),
  webPod('web-2', '10.1.0.12', ', track: canary'),
  webPod('web-3', 'fd00::13'),
];

const node = (pod: string, ip: string): string =>
  `sidecar~${ip}~${pod}.shop~shop.svc.cluster.local`;
const WEB_0 = node('web-0', '10.1.0.10');
const WEB_1 = node('web-1', '10.1.0.11');
const CANARY = node('web-2', '10.1.0.12');
const WEB_V6 = node('web-3', 'fd00::13');

function world(...extra: string[]): PushContext {
  return pushContextFromYaml([SERVICES, ...PODS, ...extra].join('\n---\n'));
}

function translate(push: PushContext, nodeId: string): ProxyResources {
  const proxy = parseProxy(nodeId, {}, push);
  if (!proxy.ok) throw new Error(proxy.error);
  return translateProxy(proxy.value, push);
}

const listener = (r: ProxyResources, name: string): Listener => {
  const l = r.listeners.find((x) => x.name === name);
  if (!l) throw new Error(`no listener ${name}`);
  return l;
};
const virtualInbound = (r: ProxyResources): Listener => listener(r, 'virtualInbound');
const inboundClusters = (r: ProxyResources): Cluster[] =>
  r.clusters.filter((c) => c.name.startsWith('inbound|'));

const listenerBytes = (l: Listener): Uint8Array => toBinary(ListenerSchema, l);
const clusterBytes = (cs: readonly Cluster[]): Uint8Array[] =>
  cs.map((c) => toBinary(ClusterSchema, c));

/** The proxy's inbound side equals an unmemoized translation of it, byte for byte. */
function expectUnmemoizedInbound(push: PushContext, nodeId: string, res: ProxyResources): void {
  const plain = withoutMemo(() => translate(push, nodeId));
  expect(listenerBytes(virtualInbound(res))).toEqual(listenerBytes(virtualInbound(plain)));
  expect(clusterBytes(inboundClusters(res))).toEqual(clusterBytes(inboundClusters(plain)));
}

describe('inbound memo keys', () => {
  it('shares virtualInbound, inbound clusters and fixed pieces between pods of one deployment', () => {
    const push = world();
    const a = translate(push, WEB_0);
    const b = translate(push, WEB_1);
    expect(inboundClusters(a).map((c) => c.name)).toEqual(['inbound|8080||', 'inbound|9000||']);
    expect(virtualInbound(b)).toBe(virtualInbound(a));
    const clusters = inboundClusters(b);
    inboundClusters(a).forEach((c, i) => expect(clusters[i]).toBe(c));
    expect(listener(b, 'virtualOutbound')).toBe(listener(a, 'virtualOutbound'));
    const passthrough = (r: ProxyResources) =>
      r.clusters.find((c) => c.name === 'InboundPassthroughCluster');
    expect(passthrough(b)).toBe(passthrough(a));
    expectUnmemoizedInbound(push, WEB_1, b);
  });

  it('does not share with a pod another Service selects (other ports)', () => {
    const push = world();
    const a = translate(push, WEB_0);
    const canary = translate(push, CANARY);
    expect(virtualInbound(canary)).not.toBe(virtualInbound(a));
    expect(inboundClusters(canary).map((c) => c.name)).toContain('inbound|7070||');
    expectUnmemoizedInbound(push, CANARY, canary);
  });

  it('keys on the PeerAuthentication that selects the pod', () => {
    const push = world(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: web-1-strict, namespace: shop}
spec:
  selector: {matchLabels: {pod: web-1}}
  mtls: {mode: STRICT}`);
    const a = translate(push, WEB_0);
    const b = translate(push, WEB_1);
    expect(virtualInbound(b)).not.toBe(virtualInbound(a));
    expect(listenerBytes(virtualInbound(b))).not.toEqual(listenerBytes(virtualInbound(a)));
    expectUnmemoizedInbound(push, WEB_0, a);
    expectUnmemoizedInbound(push, WEB_1, b);
    // The clusters read no PeerAuthentication: still shared.
    expect(inboundClusters(b)[0]).toBe(inboundClusters(a)[0]);
  });

  it('keys on the AuthorizationPolicies that select the pod', () => {
    const push = world(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: web-1-deny, namespace: shop}
spec:
  selector: {matchLabels: {pod: web-1}}
  action: DENY
  rules: [{to: [{operation: {paths: [/admin]}}]}]`);
    const a = translate(push, WEB_0);
    const b = translate(push, WEB_1);
    expect(virtualInbound(b)).not.toBe(virtualInbound(a));
    expectUnmemoizedInbound(push, WEB_0, a);
    expectUnmemoizedInbound(push, WEB_1, b);
  });

  it('shares again when a policy selects on a label both pods carry', () => {
    const push = world(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: web-allow, namespace: shop}
spec:
  selector: {matchLabels: {version: v1}}
  rules: [{from: [{source: {namespaces: [shop]}}]}]`);
    const a = translate(push, WEB_0);
    const b = translate(push, WEB_1);
    expect(virtualInbound(b)).toBe(virtualInbound(a));
    expectUnmemoizedInbound(push, WEB_1, b);
  });

  it('keys the inbound clusters on the IP family', () => {
    const push = world();
    const a = translate(push, WEB_0);
    const v6 = translate(push, WEB_V6);
    expect(inboundClusters(v6)[0]).not.toBe(inboundClusters(a)[0]);
    expect(clusterBytes(inboundClusters(v6))).not.toEqual(clusterBytes(inboundClusters(a)));
    expectUnmemoizedInbound(push, WEB_V6, v6);
  });

  it('keys on a Sidecar ingress binding resolved to the pod IP', () => {
    const push = world(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: web, namespace: shop}
spec:
  workloadSelector: {labels: {app: web}}
  ingress:
  - port: {number: 8080, protocol: HTTP, name: http}
    defaultEndpoint: 0.0.0.0:8080`);
    const a = translate(push, WEB_0);
    const b = translate(push, WEB_1);
    // Chains are named `<pod IP>_8080` and the STATIC endpoint is the pod IP: nothing shared.
    expect(virtualInbound(b)).not.toBe(virtualInbound(a));
    expect(inboundClusters(b)[0]).not.toBe(inboundClusters(a)[0]);
    expect(virtualInbound(b).filterChains.map((c) => c.name)).toContain('10.1.0.11_8080');
    expectUnmemoizedInbound(push, WEB_0, a);
    expectUnmemoizedInbound(push, WEB_1, b);
  });
});
