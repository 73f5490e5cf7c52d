// PushContext queries as istiod answers them: service visibility (exportTo), DestinationRule
// lookup order and the VirtualService index; and what a push context takes over from the last.
import { buildPushContext } from '../build-push-context.js';
import { DEFAULT_MESH_CONFIG } from '../config.js';
import { pushContextFromYaml, snapshotFromYaml } from '../testing/snapshot-from-yaml.js';

const svc = (name: string, ns: string, created = '2024-01-01T00:00:00Z', extra = '') => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}, creationTimestamp: "${created}"${extra}}
spec:
  clusterIP: 10.96.${ns.length}.${name.length}
  selector: {app: ${name}}
  ports: [{name: http, port: 9080}]
---`;

const dr = (name: string, ns: string, host: string, extra = '') => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${ns}}
spec:
  host: ${host}
${extra}
---`;

describe('service visibility', () => {
  it('picks the service in the proxy namespace, else the oldest visible one', () => {
    const push = pushContextFromYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shared-new, namespace: b, creationTimestamp: "2024-02-01T00:00:00Z"}
spec: {hosts: [api.shared.com], resolution: DNS, ports: [{number: 80, name: http, protocol: HTTP}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shared-old, namespace: c, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {hosts: [api.shared.com], resolution: DNS, ports: [{number: 80, name: http, protocol: HTTP}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: private, namespace: d, creationTimestamp: "2023-01-01T00:00:00Z"}
spec:
  hosts: [api.shared.com]
  exportTo: ["."]
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
`);
    expect(push.serviceForHost('api.shared.com', 'b')?.namespace).toBe('b');
    expect(push.serviceForHost('api.shared.com', 'a')?.namespace).toBe('c');
    expect(push.serviceForHost('api.shared.com', 'd')?.namespace).toBe('d');
    expect(push.servicesVisibleTo('a').map((s) => s.namespace)).toEqual(['b', 'c']);
    expect(push.endpoints('api.shared.com', 80).length).toBe(3);
    expect(push.endpoints('api.shared.com', 80, 'c').map((e) => e.namespace)).toEqual(['c']);
  });
});

describe('DestinationRule lookup', () => {
  const world = `
${svc('reviews', 'bookinfo')}
${dr('root-default', 'istio-system', '"*.local"', '  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}')}
${dr('svc-ns', 'bookinfo', 'reviews', '  subsets: [{name: v1, labels: {version: v1}}]')}
${dr('client-ns', 'frontend', 'reviews.bookinfo.svc.cluster.local', '  subsets: [{name: client, labels: {version: v2}}]')}
${dr('private', 'bookinfo', 'ratings', '  exportTo: ["."]')}
`;
  const push = pushContextFromYaml(world);
  const host = 'reviews.bookinfo.svc.cluster.local';

  it('looks in the proxy namespace first', () => {
    expect(push.destinationRule('frontend', host)?.metadata.name).toBe('client-ns');
  });
  it('then in the service namespace', () => {
    expect(push.destinationRule('other', host)?.metadata.name).toBe('svc-ns');
    expect(push.destinationRule('bookinfo', host)?.metadata.name).toBe('svc-ns');
  });
  it('then in the root namespace, where a wildcard host matches', () => {
    expect(push.destinationRule('other', 'details.x.svc.cluster.local')?.metadata.name).toBe(
      'root-default',
    );
  });
  it('resolves short hosts in the rule namespace and honours exportTo', () => {
    expect(push.destinationRule('bookinfo', 'ratings.bookinfo.svc.cluster.local')?.spec.host).toBe(
      'ratings.bookinfo.svc.cluster.local',
    );
    // Not exported: other namespaces fall through to the root namespace's rule.
    expect(push.destinationRule('other', 'ratings.bookinfo.svc.cluster.local')?.metadata.name).toBe(
      'root-default',
    );
  });

  it('prefers the most specific host and merges same-host rules of one namespace', () => {
    const merged = pushContextFromYaml(`
${dr('wide', 'ns', '"*.example.com"')}
${dr('narrow', 'ns', '"*.api.example.com"', '  trafficPolicy: {loadBalancer: {simple: RANDOM}}')}
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: first, namespace: ns, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  host: exact.example.com
  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
  subsets: [{name: v1, labels: {version: v1}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: second, namespace: ns, creationTimestamp: "2024-01-02T00:00:00Z"}
spec:
  host: exact.example.com
  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
  subsets: [{name: v1, labels: {version: other}}, {name: v2, labels: {version: v2}}]
`);
    expect(merged.destinationRule('ns', 'a.api.example.com')?.metadata.name).toBe('narrow');
    expect(merged.destinationRule('ns', 'b.example.com')?.metadata.name).toBe('wide');
    const exact = merged.destinationRule('ns', 'exact.example.com');
    expect(exact?.metadata.name).toBe('first');
    expect(exact?.spec.trafficPolicy?.loadBalancer?.simple).toBe('LEAST_REQUEST');
    expect(exact?.spec.subsets?.map((s) => [s.name, s.labels?.version])).toEqual([
      ['v1', 'v1'],
      ['v2', 'v2'],
    ]);
  });

  it('applies a workloadSelector rule only to matching proxies of its namespace', () => {
    const sel = pushContextFromYaml(`
${dr('all', 'ns', 'web.example.com')}
${dr('canary', 'ns', 'web.example.com', '  workloadSelector: {matchLabels: {track: canary}}')}
`);
    expect(sel.destinationRule('ns', 'web.example.com', { track: 'canary' })?.metadata.name).toBe(
      'canary',
    );
    expect(sel.destinationRule('ns', 'web.example.com', { track: 'stable' })?.metadata.name).toBe(
      'all',
    );
    expect(sel.destinationRule('ns', 'web.example.com')?.metadata.name).toBe('all');
  });
});

const vs = (name: string, ns: string, created: string, spec: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}, creationTimestamp: "${created}"}
spec:
${spec}
---`;

describe('VirtualService index', () => {
  const push = pushContextFromYaml(`
${vs('b-newer', 'default', '2024-03-01T00:00:00Z', '  hosts: [reviews]')}
${vs('a-older', 'default', '2024-01-01T00:00:00Z', '  hosts: ["*.example.com", "*", ratings.prod]')}
${vs('z-same-time', 'default', '2024-01-01T00:00:00Z', '  hosts: [details]')}
${vs('gw', 'default', '2024-01-01T00:00:00Z', '  hosts: [bookinfo.com]\n  gateways: [bookinfo-gateway, istio-system/ingress, ./other, mesh]')}
${vs('private', 'team', '2025-01-01T00:00:00Z', '  hosts: [web]\n  exportTo: ["."]')}
${vs('to-team', 'other', '2025-01-01T00:00:00Z', '  hosts: [api]\n  exportTo: [team]')}
${vs('hidden', 'other', '2020-01-01T00:00:00Z', '  hosts: [secret]\n  exportTo: ["~"]')}
`);

  it('orders mesh rules oldest first, then by name, and resolves short hosts', () => {
    const mesh = push.virtualServicesFor('default', 'mesh');
    expect(mesh.map((v) => v.resource.metadata.name)).toEqual([
      'a-older',
      'gw',
      'z-same-time',
      'b-newer',
    ]);
    expect(mesh[0].hosts).toEqual(['*.example.com', '*', 'ratings.prod']);
    expect(mesh[3].hosts).toEqual(['reviews.default.svc.cluster.local']);
    expect(mesh[3].gateways).toEqual(['mesh']);
  });

  it('resolves gateway names and indexes rules by gateway', () => {
    const [gw] = push.virtualServicesFor('istio-system', 'default/bookinfo-gateway');
    expect(gw.gateways).toEqual([
      'default/bookinfo-gateway',
      'istio-system/ingress',
      'default/other',
      'mesh',
    ]);
    expect(
      push.virtualServicesFor('x', 'istio-system/ingress').map((v) => v.resource.metadata.name),
    ).toEqual(['gw']);
  });

  it('puts private and exported rules before public ones and hides the rest', () => {
    expect(push.virtualServicesFor('team', 'mesh').map((v) => v.resource.metadata.name)).toEqual([
      'private',
      'to-team',
      'a-older',
      'gw',
      'z-same-time',
      'b-newer',
    ]);
    const names = push.virtualServicesFor('other', 'mesh').map((v) => v.resource.metadata.name);
    expect(names).not.toContain('private');
    expect(names).not.toContain('hidden');
    expect(names).not.toContain('to-team');
  });
});

describe('workload-selected config', () => {
  const push = pushContextFromYaml(`
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: root, namespace: istio-system}
spec: {egress: [{hosts: ["./*"]}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ns-default, namespace: shop}
spec: {egress: [{hosts: ["*/*"]}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: for-web, namespace: shop}
spec:
  workloadSelector: {labels: {app: web}}
  egress: [{hosts: ["./*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: only-selected, namespace: lonely}
spec:
  workloadSelector: {labels: {app: db}}
  egress: [{hosts: ["./*"]}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ingress, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop-gw, namespace: shop}
spec:
  selector: {istio: ingressgateway, shop: "yes"}
  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["shop/*"]}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: mesh, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ns, namespace: shop}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  mtls: {mode: DISABLE}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: istio-system}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: web-allow, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  action: ALLOW
  rules: [{from: [{source: {namespaces: [shop]}}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: gw-attached, namespace: shop}
spec:
  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: web}]
`);

  it('selects the Sidecar by selector, then namespace default, then root namespace', () => {
    expect(push.sidecarFor('shop', { app: 'web' })?.metadata.name).toBe('for-web');
    expect(push.sidecarFor('shop', { app: 'cart' })?.metadata.name).toBe('ns-default');
    expect(push.sidecarFor('lonely', { app: 'web' })?.metadata.name).toBe('root');
    expect(push.sidecarFor('lonely', { app: 'db' })?.metadata.name).toBe('only-selected');
  });

  it('selects gateways in any namespace by selector', () => {
    const names = (labels: Record<string, string>) =>
      push.gatewaysFor('istio-system', labels).map((g) => g.metadata.name);
    expect(names({ istio: 'ingressgateway' })).toEqual(['ingress']);
    expect(names({ istio: 'ingressgateway', shop: 'yes' })).toEqual(['ingress', 'shop-gw']);
    expect(names({ app: 'web' })).toEqual([]);
  });

  it('lists PeerAuthentications mesh, namespace, workload', () => {
    expect(push.peerAuthenticationsFor('shop', { app: 'web' }).map((p) => p.metadata.name)).toEqual(
      ['mesh', 'ns', 'web'],
    );
    expect(
      push.peerAuthenticationsFor('other', { app: 'web' }).map((p) => p.metadata.name),
    ).toEqual(['mesh']);
  });

  it('lists AuthorizationPolicies of the root and own namespace that select the workload', () => {
    expect(
      push.authorizationPoliciesFor('shop', { app: 'web' }).map((p) => p.metadata.name),
    ).toEqual(['deny-all', 'web-allow']);
    expect(
      push.authorizationPoliciesFor('shop', { app: 'cart' }).map((p) => p.metadata.name),
    ).toEqual(['deny-all']);
  });
});

describe('carrying the service registry over to the next push context', () => {
  const text = `${svc('reviews', 'default')}${dr('reviews', 'default', 'reviews')}`;
  const mesh = { ...DEFAULT_MESH_CONFIG };
  const first = buildPushContext(snapshotFromYaml(text), mesh, '1');

  it('keeps the registry when services, workloads and mesh settings are the same objects', () => {
    const s = first.snapshot;
    // A routing-only change: new DestinationRule objects, the very same Kubernetes objects.
    const next = {
      ...s,
      destinationRules: snapshotFromYaml(
        dr('reviews', 'default', 'reviews', '  exportTo: [default]'),
      ).destinationRules,
    };
    const push = buildPushContext(next, mesh, '2', first);
    expect(push.services).toBe(first.services);
    expect(push.servicesVisibleTo('default')).toBe(first.servicesVisibleTo('default'));
    expect(
      push.destinationRule('default', 'reviews.default.svc.cluster.local')?.spec.exportTo,
    ).toEqual(['default']);
  });

  it('rebuilds it when a Kubernetes object, a ServiceEntry or the mesh settings differ', () => {
    const s = first.snapshot;
    const again = snapshotFromYaml(text); // equal content, other objects: not known to be equal
    expect(buildPushContext({ ...s, kube: again.kube }, mesh, '2', first).services).not.toBe(
      first.services,
    );
    const se = snapshotFromYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext, namespace: default}
spec: {hosts: [api.example.com], resolution: DNS, ports: [{number: 443, name: tls, protocol: TLS}]}
`);
    const withSe = buildPushContext({ ...s, serviceEntries: se.serviceEntries }, mesh, '2', first);
    expect(withSe.services.map((x) => x.hostname)).toContain('api.example.com');
    expect(buildPushContext(s, { ...mesh }, '2', first).services).not.toBe(first.services);
    expect(buildPushContext(s, mesh, '2').services).not.toBe(first.services);
  });
});
