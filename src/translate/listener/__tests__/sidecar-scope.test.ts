// Sidecar resource egress hosts: parsing, matching, and the scope a proxy ends up with.
import { buildSidecarScope, hostMatches, parseEgressHost } from '../sidecar-scope.js';
import { REVIEWS, pod, proxyOf, REVIEWS_NODE, service, world } from './fixtures.js';

describe('egress host parsing and matching', () => {
  it('parses ns/host with . for the Sidecar namespace', () => {
    expect(parseEgressHost('./*', 'default')).toEqual({ namespace: 'default', dnsName: '*' });
    expect(parseEgressHost('istio-system/*.example.com', 'default')).toEqual({
      namespace: 'istio-system',
      dnsName: '*.example.com',
    });
  });

  it('matches *, suffix wildcards and exact names case-insensitively', () => {
    expect(hostMatches('*', 'a.b')).toBe(true);
    expect(hostMatches('*.example.com', 'api.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
    expect(
      hostMatches('Reviews.default.svc.cluster.local', 'reviews.default.svc.cluster.local'),
    ).toBe(true);
  });
});

describe('buildSidecarScope', () => {
  const shop =
    service('catalog', 'shop', '10.96.2.1', '[{name: http, port: 9080}, {name: tcp, port: 5432}]') +
    pod('catalog-0', 'shop', 'catalog', '10.244.3.1');

  it('sees every exported service when no Sidecar applies', () => {
    const push = world(REVIEWS + shop);
    const scope = buildSidecarScope(proxyOf(push, REVIEWS_NODE), push);
    expect(scope.services.map((s) => s.hostname)).toEqual([
      'catalog.shop.svc.cluster.local',
      'reviews.default.svc.cluster.local',
    ]);
    expect(scope.outboundTrafficPolicy).toBe('ALLOW_ANY');
  });

  it('narrows services, ports and config hosts to the egress hosts', () => {
    const sidecar = `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  egress:
  - hosts: ["./*"]
  - port: {number: 5432, protocol: TCP, name: db}
    hosts: ["shop/catalog.shop.svc.cluster.local"]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`;
    const push = world(REVIEWS + shop + sidecar);
    const scope = buildSidecarScope(proxyOf(push, REVIEWS_NODE), push);
    const catalog = push.services.find((s) => s.namespace === 'shop');
    expect(catalog).toBeDefined();
    if (!catalog) return;
    expect(scope.isServicePortVisible(catalog, 5432)).toBe(true);
    expect(scope.isServicePortVisible(catalog, 9080)).toBe(false);
    expect(scope.isHostVisible('default', 'anything.default.svc.cluster.local')).toBe(true);
    expect(scope.isHostVisible('other', 'x.other.svc.cluster.local')).toBe(false);
    expect(scope.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
  });
});
