// ServiceEntry → registry services and endpoints, inline and selected by workloadSelector.
import { pushContextFromYaml } from '../../testing/snapshot-from-yaml.js';

describe('ServiceEntry registry', () => {
  it('selects WorkloadEntries and Pods of its namespace with workloadSelector', () => {
    const push = pushContextFromYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: mysql-vm, namespace: vms, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  hosts: [mysqldb.vms.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {number: 3306, name: mysql, protocol: MYSQL, targetPort: 3307}
  - {number: 9104, name: http-metrics, protocol: HTTP}
  workloadSelector:
    labels: {app: mysqldb}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: mysql-vm-1, namespace: vms, labels: {app: mysqldb}}
spec:
  address: 172.16.0.5
  ports: {mysql: 13306}
  labels: {version: v1}
  serviceAccount: mysql
  locality: us-west1/us-west1-a
  weight: 3
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: other-vm, namespace: vms}
spec:
  address: 172.16.0.6
  labels: {app: other}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: mysql-elsewhere, namespace: other}
spec:
  address: 172.16.0.7
  labels: {app: mysqldb}
---
apiVersion: v1
kind: Pod
metadata: {name: mysql-pod, namespace: vms, labels: {app: mysqldb, security.istio.io/tlsMode: istio}}
spec: {serviceAccountName: mysql}
status: {podIP: 10.244.5.5, conditions: [{type: Ready, status: 'True'}]}
`);
    const svc = push.serviceForHost('mysqldb.vms.svc.cluster.local', 'default');
    expect(svc).toMatchObject({
      registry: 'ServiceEntry',
      name: 'mysql-vm',
      resolution: 'ClientSideLB',
      meshExternal: false,
      selector: { app: 'mysqldb' },
      ports: [
        { name: 'mysql', port: 3306, protocol: 'MySQL', targetPort: 3307 },
        { name: 'http-metrics', port: 9104, protocol: 'HTTP' },
      ],
      serviceAccounts: ['spiffe://cluster.local/ns/vms/sa/mysql'],
    });
    const mysql = push.endpoints('mysqldb.vms.svc.cluster.local', 3306);
    expect(mysql.map((e) => [e.address, e.port, e.workloadName])).toEqual([
      ['172.16.0.5', 13306, 'mysql-vm-1'], // WorkloadEntry port by port name
      ['10.244.5.5', 3307, 'mysql-pod'], // Pod: the port's targetPort
    ]);
    expect(mysql[0]).toMatchObject({
      labels: { app: 'mysqldb', version: 'v1' },
      serviceAccount: 'spiffe://cluster.local/ns/vms/sa/mysql',
      tlsMode: 'istio', // a WorkloadEntry with a service account has a sidecar
      locality: 'us-west1/us-west1-a',
      weight: 3,
      namespace: 'vms',
    });
    const metrics = push.endpoints('mysqldb.vms.svc.cluster.local', 9104);
    expect(metrics.map((e) => e.port)).toEqual([9104, 9104]);
    expect(push.workloadByIp('172.16.0.5')).toMatchObject({
      kind: 'WorkloadEntry',
      name: 'mysql-vm-1',
    });
  });

  it('creates one service per host, maps resolutions and keeps inline endpoints', () => {
    const push = pushContextFromYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: external, namespace: egress}
spec:
  hosts: [api.example.com, www.example.com]
  addresses: [192.0.2.10/32, 198.51.100.0/24]
  exportTo: ["."]
  resolution: STATIC
  ports: [{number: 443, name: https, protocol: HTTPS}]
  endpoints:
  - {address: 192.0.2.10, labels: {zone: a}}
  - {address: 192.0.2.11, ports: {https: 8443}}
`);
    expect(push.services.map((s) => s.hostname)).toEqual(['api.example.com', 'www.example.com']);
    const api = push.serviceForHost('api.example.com', 'egress');
    expect(api).toMatchObject({
      addresses: ['192.0.2.10', '198.51.100.0/24'],
      meshExternal: true,
      resolution: 'ClientSideLB',
      exportTo: ['.'],
    });
    expect(push.serviceForHost('api.example.com', 'default')).toBeUndefined();
    expect(push.servicesVisibleTo('default')).toEqual([]);
    expect(
      push.endpoints('www.example.com', 443).map((e) => [e.address, e.port, e.tlsMode]),
    ).toEqual([
      ['192.0.2.10', 443, 'disabled'],
      ['192.0.2.11', 8443, 'disabled'],
    ]);
  });

  it.each([
    ['NONE', 'Passthrough'],
    ['STATIC', 'ClientSideLB'],
    ['DNS', 'DNSLB'],
    ['DNS_ROUND_ROBIN', 'DNSRoundRobinLB'],
  ])('maps resolution %s to %s', (resolution, expected) => {
    const push = pushContextFromYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [svc.example.com]
  resolution: ${resolution}
  ports: [{number: 80, name: http, protocol: HTTP}]
`);
    expect(push.services[0].resolution).toBe(expected);
  });

  it('uses the hosts themselves as endpoints of a DNS entry without endpoints', () => {
    const push = pushContextFromYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: google}
spec:
  hosts: [www.googleapis.com, storage.googleapis.com]
  resolution: DNS
  ports:
  - {number: 443, name: https, protocol: HTTPS}
  - {number: 80, name: http, protocol: HTTP, targetPort: 8080}
`);
    expect(push.endpoints('www.googleapis.com', 443)).toMatchObject([
      { address: 'www.googleapis.com', port: 443, tlsMode: 'disabled', namespace: 'default' },
    ]);
    expect(push.endpoints('storage.googleapis.com', 80)).toMatchObject([
      { address: 'storage.googleapis.com', port: 8080 },
    ]);
  });

  it('gives a STATIC or NONE entry without endpoints none', () => {
    const push = pushContextFromYaml(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: passthrough}
spec:
  hosts: ["*.example.org"]
  resolution: NONE
  ports: [{number: 443, name: tls, protocol: TLS}]
`);
    expect(push.services[0]).toMatchObject({
      hostname: '*.example.org',
      resolution: 'Passthrough',
    });
    expect(push.endpoints('*.example.org', 443)).toEqual([]);
  });
});
