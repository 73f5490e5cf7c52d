// Node id and metadata → Proxy, for sidecars, routers and proxyless gRPC clients.
import { parseProxy } from '../proxy-identity.js';
import { pushContextFromYaml } from '../testing/snapshot-from-yaml.js';

const push = pushContextFromYaml(`
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v2-0
  namespace: bookinfo
  labels: {app: reviews, version: v2}
spec: {serviceAccountName: bookinfo-reviews}
status: {podIP: 10.244.1.32}
---
apiVersion: v1
kind: Pod
metadata:
  name: ratings-v1-0
  namespace: bookinfo
  labels: {app: ratings}
status: {podIP: 10.244.1.50}
`);

describe('parseProxy', () => {
  it('parses a sidecar id and takes labels from metadata when given', () => {
    const r = parseProxy(
      'sidecar~10.244.1.32~reviews-v2-0.bookinfo~bookinfo.svc.cluster.local',
      {
        NAMESPACE: 'bookinfo',
        LABELS: { app: 'reviews', version: 'v2', replicas: 3 },
        INSTANCE_IPS: '10.244.1.32,fd00::32',
        ISTIO_VERSION: '1.24.0',
      },
      push,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      type: 'sidecar',
      ip: '10.244.1.32',
      ips: ['10.244.1.32', 'fd00::32'],
      podName: 'reviews-v2-0',
      namespace: 'bookinfo',
      name: 'reviews-v2-0.bookinfo',
      labels: { app: 'reviews', version: 'v2', replicas: '3' },
      serviceAccount: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews',
      istioVersion: '1.24.0',
    });
    expect(r.value.generator).toBeUndefined();
  });

  it('falls back to the registry pod by name, then by IP, for labels', () => {
    const byName = parseProxy(
      'sidecar~10.9.9.9~reviews-v2-0.bookinfo~bookinfo.svc.cluster.local',
      {},
      push,
    );
    expect(byName.ok && byName.value.labels).toEqual({ app: 'reviews', version: 'v2' });
    const byIp = parseProxy(
      'sidecar~10.244.1.50~unknown.bookinfo~bookinfo.svc.cluster.local',
      {},
      push,
    );
    expect(byIp.ok && byIp.value.labels).toEqual({ app: 'ratings' });
    expect(byIp.ok && byIp.value.serviceAccount).toBe(
      'spiffe://cluster.local/ns/bookinfo/sa/default',
    );
  });

  it('accepts LABELS as a JSON string, a router type and the grpc generator', () => {
    const r = parseProxy(
      'router~10.0.0.7~istio-ingressgateway-abc.istio-system~istio-system.svc.cluster.local',
      { LABELS: '{"istio":"ingressgateway"}', GENERATOR: 'grpc', SERVICE_ACCOUNT: 'ingress' },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      type: 'router',
      namespace: 'istio-system',
      podName: 'istio-ingressgateway-abc',
      labels: { istio: 'ingressgateway' },
      generator: 'grpc',
      serviceAccount: 'spiffe://cluster.local/ns/istio-system/sa/ingress',
    });
  });

  it('warns about and ignores malformed LABELS', () => {
    const r = parseProxy('sidecar~10.0.0.1~a.ns~ns.svc.cluster.local', { LABELS: '{oops' });
    expect(r.ok && r.warnings).toEqual(['metadata LABELS is not a JSON object: ignored']);
    expect(r.ok && r.value.labels).toEqual({});
  });

  it.each([
    ['foo', 'node id "foo": expected <type>~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local'],
    ['sidecar~10.0.0.1~a.ns', 'expected <type>~<ip>~'],
    [
      'gateway~10.0.0.1~a.ns~ns.svc.cluster.local',
      'proxy type "gateway" is not one of sidecar, router',
    ],
    ['sidecar~not-an-ip~a.ns~ns.svc.cluster.local', '"not-an-ip" is not an IP address'],
    ['sidecar~10.0.0.1~~ns.svc.cluster.local', 'the workload part is empty'],
  ])('rejects %s', (id, message) => {
    const r = parseProxy(id, {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain(message);
    expect(r.error).toContain(`node id "${id}"`);
  });
});
