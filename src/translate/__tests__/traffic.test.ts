// The listener-level simulator on real translated config: each outcome of the istio-cases
// README reached the way Envoy would reach it.
import { simulateTraffic } from '../simulate/traffic.js';
import {
  BOOKINFO,
  GATEWAY,
  PRODUCTPAGE,
  REVIEWS_V1,
  testdata,
  translateBookinfo,
} from './world.js';

const DR = testdata('bookinfo', 'networking', 'destination-rule-all.yaml');
const VS_JASON = testdata('bookinfo', 'networking', 'virtual-service-reviews-test-v2.yaml');
const VS_ABORT = testdata('bookinfo', 'networking', 'virtual-service-ratings-test-abort.yaml');
const VS_90_10 = testdata('bookinfo', 'networking', 'virtual-service-reviews-90-10.yaml');
const GW = testdata('bookinfo', 'networking', 'bookinfo-gateway.yaml');

describe('simulateTraffic', () => {
  const pp = translateBookinfo(PRODUCTPAGE, DR, VS_JASON);

  it('routes outbound HTTP through 0.0.0.0_9080 → RDS 9080 → vhost → route → cluster → endpoints', () => {
    const r = simulateTraffic(pp, {
      port: 9080,
      authority: 'reviews:9080',
      path: '/',
      headers: { 'end-user': 'jason' },
    });
    expect(r.outcome).toBe('route');
    expect(r.listener?.name).toBe('0.0.0.0_9080');
    expect(r.rdsName).toBe('9080');
    expect(r.virtualHost?.name).toBe('reviews.default.svc.cluster.local:9080');
    expect(r.clusters).toEqual([{ name: 'outbound|9080|v2|reviews.default.svc.cluster.local' }]);
    expect(r.endpoints).toEqual(['10.244.1.32:9080']);
    const other = simulateTraffic(pp, { port: 9080, authority: 'reviews:9080', path: '/' });
    expect(other.clusters[0].name).toBe('outbound|9080|v1|reviews.default.svc.cluster.local');
  });

  it('reports weighted clusters in order', () => {
    const r = simulateTraffic(translateBookinfo(PRODUCTPAGE, DR, VS_90_10), {
      port: 9080,
      authority: 'reviews',
      path: '/',
    });
    expect(r.outcome).toBe('route');
    expect(r.clusters).toEqual([
      { name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 90 },
      { name: 'outbound|9080|v2|reviews.default.svc.cluster.local', weight: 10 },
    ]);
  });

  it('unknown hosts pass through under ALLOW_ANY; unknown ports fall to virtualOutbound', () => {
    const r = simulateTraffic(pp, { port: 9080, authority: 'example.com', path: '/' });
    expect(r.outcome).toBe('passthrough');
    expect(r.virtualHost?.name).toBe('allow_any');
    const tcp = simulateTraffic(pp, { port: 5555, protocol: 'tcp', destinationIp: '1.2.3.4' });
    expect(tcp.listener?.name).toBe('virtualOutbound');
    expect(tcp.outcome).toBe('passthrough');
  });

  it('REGISTRY_ONLY answers unknown hosts with the block_all direct response', () => {
    const sidecar = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}`;
    const r = simulateTraffic(translateBookinfo(PRODUCTPAGE, sidecar), {
      port: 9080,
      authority: 'example.com',
      path: '/',
    });
    expect(r.outcome).toBe('direct_response');
    expect(r.httpStatus).toBe(502);
  });

  it('fault abort at 100% answers with the abort status and flag FI', () => {
    const res = translateBookinfo(
      'sidecar~10.244.1.32~reviews-v2-0.default~default.svc.cluster.local',
      DR,
      VS_ABORT,
    );
    const r = simulateTraffic(res, {
      port: 9080,
      authority: 'ratings:9080',
      path: '/ratings/0',
      headers: { 'end-user': 'jason' },
    });
    expect(r).toMatchObject({ outcome: 'fault_abort', httpStatus: 500, responseFlag: 'FI' });
    expect(simulateTraffic(res, { port: 9080, authority: 'ratings:9080', path: '/' }).outcome).toBe(
      'route',
    );
  });

  it('a route to a cluster CDS lacks is 503 NC', () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v9}}]}]`;
    const r = simulateTraffic(translateBookinfo(PRODUCTPAGE, DR, vs), {
      port: 9080,
      authority: 'reviews',
      path: '/',
    });
    expect(r).toMatchObject({ outcome: 'cluster_not_found', httpStatus: 503, responseFlag: 'NC' });
  });

  it('gateway: routed on a declared port, no_route (404 NR) for an unmatched path, no_listener elsewhere', () => {
    const gw = translateBookinfo(GATEWAY, GW);
    const ok = simulateTraffic(gw, {
      port: 8080,
      authority: 'x.example.com',
      path: '/productpage?u=1',
    });
    expect(ok.outcome).toBe('route');
    expect(ok.clusters[0].name).toBe('outbound|9080||productpage.default.svc.cluster.local');
    expect(simulateTraffic(gw, { port: 8080, authority: 'x', path: '/nope' })).toMatchObject({
      outcome: 'no_route',
      httpStatus: 404,
      responseFlag: 'NR',
    });
    expect(simulateTraffic(gw, { port: 81, authority: 'x', path: '/' }).outcome).toBe(
      'no_listener',
    );
  });

  it('inbound: STRICT rejects plaintext and accepts Istio mTLS; PERMISSIVE accepts both', () => {
    const strict = translateBookinfo(
      REVIEWS_V1,
      `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: default}
spec: {mtls: {mode: STRICT}}`,
    );
    const plain = { port: 9080, direction: 'inbound' as const, authority: 'reviews', path: '/' };
    expect(simulateTraffic(strict, { ...plain, tls: 'none' }).outcome).toBe('rejected');
    const mtls = simulateTraffic(strict, { ...plain, tls: 'istio-mtls' });
    expect(mtls.outcome).toBe('route');
    expect(mtls.clusters).toEqual([{ name: 'inbound|9080||' }]);
    const permissive = translateBookinfo(REVIEWS_V1);
    expect(simulateTraffic(permissive, { ...plain, tls: 'none' }).outcome).toBe('route');
    expect(simulateTraffic(permissive, { ...plain, tls: 'istio-mtls' }).outcome).toBe('route');
  });

  it('TLS by SNI reaches the tcp_proxy of the matching chain', () => {
    const se = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext}
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: tls, protocol: TLS}]`;
    const res = translateBookinfo(PRODUCTPAGE, se);
    const r = simulateTraffic(res, {
      port: 443,
      protocol: 'tls',
      tls: 'client-tls',
      sni: 'api.example.com',
    });
    expect(r.outcome).toBe('tcp_proxy');
    expect(r.clusters).toEqual([{ name: 'outbound|443||api.example.com' }]);
    const other = simulateTraffic(res, {
      port: 443,
      protocol: 'tls',
      tls: 'client-tls',
      sni: 'other.com',
    });
    expect(other.outcome).toBe('passthrough');
  });

  it('gateway httpsRedirect answers plaintext with a redirect', () => {
    const gw = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
    tls: {httpsRedirect: true}`;
    const r = simulateTraffic(translateBookinfo(GATEWAY, gw), {
      port: 80,
      authority: 'shop.example.com',
      path: '/',
    });
    expect(r).toMatchObject({ outcome: 'redirect', httpStatus: 301 });
  });

  it('keeps BOOKINFO world loaded for every case', () => {
    expect(BOOKINFO).toContain('kind: Service');
  });
});
