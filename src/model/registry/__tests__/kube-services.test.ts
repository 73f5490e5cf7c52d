// Kubernetes Services → registry services and endpoints: hostnames, port protocols and the
// EndpointSlice / Endpoints / Pod endpoint sources.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { pushContextFromYaml } from '../../testing/snapshot-from-yaml.js';
import { kubePortProtocol } from '../protocol.js';

const testdata = fileURLToPath(new URL('../../../../testdata/registry/', import.meta.url));
const bookinfo =
  readFileSync(`${testdata}bookinfo.yaml`, 'utf8') +
  '\n---\n' +
  readFileSync(`${testdata}bookinfo-pods.yaml`, 'utf8');

describe('Kubernetes services: bookinfo', () => {
  const push = pushContextFromYaml(bookinfo);

  it('has one service per Service with Istio hostnames, sorted by hostname', () => {
    expect(push.services.map((s) => s.hostname)).toEqual([
      'details.default.svc.cluster.local',
      'productpage.default.svc.cluster.local',
      'ratings.default.svc.cluster.local',
      'reviews.default.svc.cluster.local',
    ]);
    const reviews = push.serviceForHost('reviews.default.svc.cluster.local', 'default');
    expect(reviews).toMatchObject({
      name: 'reviews',
      namespace: 'default',
      registry: 'Kubernetes',
      resolution: 'ClientSideLB',
      meshExternal: false,
      exportTo: ['*'],
      selector: { app: 'reviews' },
      ports: [{ name: 'http', port: 9080, protocol: 'HTTP' }],
      serviceAccounts: ['spiffe://cluster.local/ns/default/sa/bookinfo-reviews'],
      configKey: 'Service/default/reviews',
    });
  });

  it('gives every reviews endpoint its pod labels, identity and sidecar TLS mode', () => {
    const eps = push.endpoints('reviews.default.svc.cluster.local', 9080);
    expect(eps.map((e) => [e.address, e.port, e.labels.version, e.workloadName])).toEqual([
      ['10.244.0.13', 9080, 'v1', 'reviews-v1-0'],
      ['10.244.0.14', 9080, 'v2', 'reviews-v2-0'],
      ['10.244.0.15', 9080, 'v3', 'reviews-v3-0'],
    ]);
    for (const e of eps) {
      expect(e).toMatchObject({
        servicePort: 9080,
        servicePortName: 'http',
        serviceAccount: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews',
        tlsMode: 'istio',
        healthy: true,
        weight: 1,
        namespace: 'default',
      });
    }
    expect(push.endpoints('reviews.default.svc.cluster.local', 9080, 'other')).toEqual([]);
  });

  it('knows the pods as workloads by name and IP and which services select them', () => {
    expect(push.workloadByIp('10.244.0.16')).toMatchObject({
      kind: 'Pod',
      name: 'productpage-v1-0',
    });
    expect(push.workloadByName('default', 'ratings-v1-0')?.labels).toMatchObject({
      app: 'ratings',
    });
    const own = push.servicesForWorkload('default', { app: 'reviews', version: 'v2' });
    expect(own.map((s) => s.name)).toEqual(['reviews']);
  });
});

describe('port protocols', () => {
  it.each([
    ['http', undefined, 'HTTP'],
    ['http-web', undefined, 'HTTP'],
    ['HTTP2', undefined, 'HTTP2'],
    ['grpc', undefined, 'GRPC'],
    ['grpc-web', undefined, 'GRPC-Web'],
    ['grpc-web-x', undefined, 'GRPC-Web'],
    ['https-admin', undefined, 'HTTPS'],
    ['tls', undefined, 'TLS'],
    ['tcp-db', undefined, 'TCP'],
    ['mongo', undefined, 'Mongo'],
    ['redis', undefined, 'Redis'],
    ['mysql', undefined, 'MySQL'],
    ['web', undefined, 'Unsupported'],
    [undefined, undefined, 'Unsupported'],
    ['tcp', 'http', 'HTTP'],
    ['web', 'kubernetes.io/h2c', 'HTTP2'],
    ['web', 'kubernetes.io/wss', 'HTTPS'],
  ])('name %s appProtocol %s → %s', (name, app, expected) => {
    expect(kubePortProtocol(8080, name, 'TCP', app)).toBe(expected);
  });

  it('uses UDP for UDP ports and TCP for unnamed well-known ports', () => {
    expect(kubePortProtocol(53, 'dns', 'UDP', undefined)).toBe('UDP');
    expect(kubePortProtocol(3306, undefined, 'TCP', undefined)).toBe('TCP');
    expect(kubePortProtocol(3307, undefined, 'TCP', undefined)).toBe('Unsupported');
  });
});

const SERVICE_WITH_NAMED_TARGET = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  clusterIP: 10.96.0.20
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: web-port}
  - {name: grpc-api, port: 9090, appProtocol: http2, targetPort: 9091}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  namespace: shop
  labels: {app: web, istio-locality: us-east1.us-east1-b}
spec:
  serviceAccountName: web
  containers:
  - name: app
    ports:
    - {name: web-port, containerPort: 8080}
status:
  podIP: 10.244.3.1
  conditions: [{type: Ready, status: 'False'}]
`;

describe('Kubernetes endpoint sources', () => {
  it('resolves a named targetPort from the pod when there are no Endpoints', () => {
    const push = pushContextFromYaml(SERVICE_WITH_NAMED_TARGET);
    const svc = push.serviceForHost('web.shop.svc.cluster.local', 'shop');
    expect(svc?.ports).toEqual([
      { name: 'http', port: 80, protocol: 'HTTP', targetPort: undefined },
      { name: 'grpc-api', port: 9090, protocol: 'HTTP2', targetPort: 9091 },
    ]);
    const [http] = push.endpoints('web.shop.svc.cluster.local', 80);
    expect(http).toMatchObject({
      address: '10.244.3.1',
      port: 8080,
      healthy: false,
      tlsMode: 'disabled',
      locality: 'us-east1/us-east1-b',
      serviceAccount: 'spiffe://cluster.local/ns/shop/sa/web',
    });
    expect(push.endpoints('web.shop.svc.cluster.local', 9090)[0].port).toBe(9091);
  });

  it('takes target ports and readiness from Endpoints when present', () => {
    const push = pushContextFromYaml(`${SERVICE_WITH_NAMED_TARGET}
---
apiVersion: v1
kind: Endpoints
metadata: {name: web, namespace: shop}
subsets:
- addresses:
  - ip: 10.244.3.1
    targetRef: {kind: Pod, name: web-1}
  notReadyAddresses:
  - ip: 10.244.3.2
  ports:
  - {name: http, port: 8081}
`);
    const eps = push.endpoints('web.shop.svc.cluster.local', 80);
    expect(eps.map((e) => [e.address, e.port, e.healthy, e.workloadName])).toEqual([
      ['10.244.3.1', 8081, true, 'web-1'],
      ['10.244.3.2', 8081, false, undefined],
    ]);
    // Endpoints list no grpc-api port: the service port has no endpoints.
    expect(push.endpoints('web.shop.svc.cluster.local', 9090)).toEqual([]);
  });

  it('prefers EndpointSlices (by kubernetes.io/service-name) over Endpoints', () => {
    const push = pushContextFromYaml(`${SERVICE_WITH_NAMED_TARGET}
---
apiVersion: v1
kind: Endpoints
metadata: {name: web, namespace: shop}
subsets:
- addresses: [{ip: 10.244.9.9}]
  ports: [{name: http, port: 8081}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abc12
  namespace: shop
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports:
- {name: http, port: 8082, protocol: TCP}
endpoints:
- addresses: [10.244.3.1]
  conditions: {ready: true}
  targetRef: {kind: Pod, name: web-1, namespace: shop}
  zone: zone-a
- addresses: [10.244.3.7]
  conditions: {ready: false}
`);
    const eps = push.endpoints('web.shop.svc.cluster.local', 80);
    expect(eps.map((e) => [e.address, e.port, e.healthy])).toEqual([
      ['10.244.3.1', 8082, true],
      ['10.244.3.7', 8082, false],
    ]);
    // The pod's locality label wins over the slice zone; without a pod, the zone is used.
    expect(eps[0].locality).toBe('us-east1/us-east1-b');
    expect(eps[0].labels.app).toBe('web');
  });

  it('models headless, ExternalName and exportTo-annotated services as Istio does', () => {
    const push = pushContextFromYaml(`
apiVersion: v1
kind: Service
metadata: {name: db, namespace: data, annotations: {networking.istio.io/exportTo: "., shop"}}
spec:
  clusterIP: None
  ports: [{name: tcp-pg, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: data}
spec:
  type: ExternalName
  externalName: api.example.com
  ports: [{name: https, port: 443}]
`);
    const db = push.serviceForHost('db.data.svc.cluster.local', 'data');
    expect(db).toMatchObject({ addresses: [], resolution: 'Passthrough', exportTo: ['.', 'shop'] });
    expect(push.serviceForHost('db.data.svc.cluster.local', 'shop')).toBe(db);
    expect(push.serviceForHost('db.data.svc.cluster.local', 'other')).toBeUndefined();
    const ext = push.serviceForHost('ext.data.svc.cluster.local', 'other');
    expect(ext).toMatchObject({ resolution: 'DNSLB', meshExternal: true, addresses: [] });
    expect(push.endpoints('ext.data.svc.cluster.local', 443)).toMatchObject([
      { address: 'api.example.com', port: 443, tlsMode: 'disabled' },
    ]);
  });
});
