// validateResource: the Istio samples pass; schema (IST0106) and semantic errors name the field.
import { readdirSync } from 'node:fs';
import type { RawObject } from '../../config.js';
import { validateResource } from '../validate-resource.js';
import { fileDocs, testdata, yamlDocs } from './fixtures.js';

function errorsOf(yaml: string): { field?: string; message: string; code: string }[] {
  const [doc] = yamlDocs(yaml);
  const r = validateResource(doc.object, { file: 'test.yaml', docIndex: 0 });
  return r.ok ? [] : r.errors;
}

function vs(http: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews }
spec:
  hosts: [reviews]
  http:
${http}`;
}

describe('validateResource on the bookinfo samples', () => {
  const networking = testdata('bookinfo', 'networking');
  const files = [
    testdata('bookinfo', 'platform', 'kube', 'bookinfo.yaml'),
    ...readdirSync(networking).map((f) => `${networking}/${f}`),
  ];
  it.each(files)('accepts %s', (file) => {
    for (const { object, docIndex } of fileDocs(file)) {
      const r = validateResource(object, { file, docIndex });
      if (!r.ok) expect(r.errors).toEqual([]);
    }
  });
  it('returns Istio resources with the namespace defaulted', () => {
    const [doc] = fileDocs(testdata('bookinfo', 'networking', 'destination-rule-all.yaml'));
    const r = validateResource(doc.object, { file: 'dr.yaml', docIndex: 0 });
    expect(r.ok && r.value.metadata).toEqual({ name: 'productpage', namespace: 'default' });
  });
  it('skips kinds it does not read with a warning', () => {
    const obj: RawObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } };
    const r = validateResource(obj, { file: 'x.yaml' });
    expect(r.ok).toBe(false);
    expect(r.warnings[0].message).toContain('not read');
    expect(!r.ok && r.errors).toEqual([]);
  });
});

describe('schema errors (IST0106)', () => {
  it('reports a non-integer weight with its field path', () => {
    const errs = errorsOf(
      vs(`  - route:
    - destination: { host: reviews, subset: v1 }
      weight: abc`),
    );
    expect(errs).toEqual([
      expect.objectContaining({
        code: 'IST0106',
        field: 'spec.http[0].route[0].weight',
        message: expect.stringContaining('integer'),
      }),
    ]);
  });
  it('reports unknown fields', () => {
    const errs = errorsOf(
      vs(`  - route:
    - destination: { host: reviews, subsett: v1 }`),
    );
    expect(errs[0]).toMatchObject({
      field: 'spec.http[0].route[0].destination.subsett',
      message: 'unknown field',
    });
  });
  it('reports mutually exclusive string match fields', () => {
    const errs = errorsOf(
      vs(`  - match:
    - uri: { exact: /a, prefix: /b }
    route:
    - destination: { host: reviews }`),
    );
    expect(errs[0]).toMatchObject({
      field: 'spec.http[0].match[0].uri',
      message: expect.stringContaining('only one of'),
    });
  });
  it('checks durations with the CRD rule', () => {
    const errs = errorsOf(
      vs(`  - timeout: 10x
    route:
    - destination: { host: reviews }`),
    );
    expect(errs[0]).toMatchObject({
      field: 'spec.http[0].timeout',
      message: 'must be a valid duration greater than 1ms',
    });
  });
  it('checks enums and required fields', () => {
    const errs = errorsOf(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ext }
spec:
  hosts: [api.example.com]
  resolution: MAGIC
  ports:
  - { number: 443, protocol: TLS }`);
    const fields = errs.map((e) => e.field);
    expect(fields).toContain('spec.resolution');
    expect(fields).toContain('spec.ports[0].name');
  });
  it('rejects a bad metadata.name and unsupported apiVersion', () => {
    expect(
      errorsOf(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: Bad_Name }
spec: { servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ['*'] }] }`)[0].field,
    ).toBe('metadata.name');
    expect(
      errorsOf(`apiVersion: networking.istio.io/v2
kind: Gateway
metadata: { name: gw }`)[0].field,
    ).toBe('apiVersion');
  });
});

describe('semantic errors', () => {
  it('route with both redirect and route', () => {
    const errs = errorsOf(
      vs(`  - redirect: { uri: /x }
    route:
    - destination: { host: reviews }`),
    );
    expect(errs).toContainEqual(
      expect.objectContaining({
        field: 'spec.http[0]',
        message: 'HTTP route cannot contain both route and redirect',
      }),
    );
  });
  it('invalid RE2 regex (lookahead is not RE2)', () => {
    const errs = errorsOf(
      vs(`  - match:
    - uri: { regex: "/api(?=v1)" }
    route:
    - destination: { host: reviews }`),
    );
    expect(errs[0]).toMatchObject({
      field: 'spec.http[0].match[0].uri.regex',
      message: expect.stringContaining('RE2'),
    });
  });
  it('all weights zero', () => {
    const errs = errorsOf(
      vs(`  - route:
    - { destination: { host: reviews, subset: v1 }, weight: 0 }
    - { destination: { host: reviews, subset: v2 }, weight: 0 }`),
    );
    expect(errs[0]).toMatchObject({
      field: 'spec.http[0].route',
      message: 'total destination weight = 0',
    });
  });
  it('timeouts below 1ms precision and fault status out of range', () => {
    const errs = errorsOf(
      vs(`  - timeout: 1.5ms
    fault: { abort: { httpStatus: 700, percentage: { value: 10 } } }
    route:
    - destination: { host: reviews }`),
    );
    expect(errs.map((e) => e.field).sort()).toEqual([
      'spec.http[0].fault.abort.httpStatus',
      'spec.http[0].timeout',
    ]);
  });
  it('host names: * only as the leftmost label', () => {
    const errs = errorsOf(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: v }
spec:
  hosts: [foo.*.com]
  http: [{ route: [{ destination: { host: reviews } }] }]`);
    expect(errs[0]).toMatchObject({
      field: 'spec.hosts[0]',
      message: expect.stringContaining('invalid'),
    });
  });
  it('duplicate subset names', () => {
    const errs = errorsOf(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews }
spec:
  host: reviews
  subsets:
  - { name: v1, labels: { version: v1 } }
  - { name: v1, labels: { version: v2 } }`);
    expect(errs[0]).toMatchObject({
      field: 'spec.subsets[1].name',
      message: 'duplicate subset names: v1',
    });
  });
  it('gateway servers: ns/host form and TLS credentials', () => {
    const errs = errorsOf(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw }
spec:
  selector: { istio: ingressgateway }
  servers:
  - port: { number: 443, name: https, protocol: HTTPS }
    hosts: [bad/ns/x]
    tls: { mode: SIMPLE }`);
    const fields = errs.map((e) => e.field);
    expect(fields).toContain('spec.servers[0].hosts[0]');
    expect(fields).toContain('spec.servers[0].tls.serverCertificate');
  });
  it('ServiceEntry resolution NONE with endpoints, and sidecar egress hosts', () => {
    expect(
      errorsOf(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ext }
spec:
  hosts: [api.example.com]
  ports: [{ number: 443, name: tls, protocol: TLS }]
  resolution: NONE
  endpoints: [{ address: 1.2.3.4 }]`)[0].message,
    ).toBe('NONE mode cannot set endpoints');
    expect(
      errorsOf(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default }
spec:
  egress:
  - hosts: [reviews.default.svc.cluster.local]`)[0],
    ).toMatchObject({
      field: 'spec.egress[0].hosts[0]',
      message: 'host must be of form namespace/dnsName',
    });
  });
  it('Sidecar workloadSelector uses `labels`: a selector with labels draws no warning', () => {
    const [doc] = yamlDocs(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web }
spec:
  workloadSelector: { labels: { app: web } }
  egress:
  - hosts: ["./*"]`);
    const r = validateResource(doc.object, { file: 'sidecar.yaml', docIndex: 0 });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([]);
    const [empty] = yamlDocs(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: web }
spec:
  workloadSelector: { labels: {} }
  egress:
  - hosts: ["./*"]`);
    const w = validateResource(empty.object, { file: 'sidecar.yaml', docIndex: 0 }).warnings;
    expect(w.map((x) => x.field)).toEqual(['spec.workloadSelector']);
  });
  it('PeerAuthentication portLevelMtls needs a selector', () => {
    const errs = errorsOf(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default }
spec:
  portLevelMtls: { "8080": { mode: DISABLE } }`);
    expect(errs[0].message).toBe('portLevelMtls requires selector');
  });
  it('WorkloadEntry address and Kubernetes objects', () => {
    expect(
      errorsOf(`apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm }
spec: { address: "not an address!" }`)[0].field,
    ).toBe('spec.address');
    expect(
      errorsOf(`apiVersion: v1
kind: Service
metadata: { name: s }
spec: { ports: [{ port: 70000 }] }`)[0].field,
    ).toBe('spec.ports[0].port');
    expect(
      errorsOf(`apiVersion: v1
kind: Pod
metadata: { name: p }
status: { podIP: 10.0.0.300 }`)[0].field,
    ).toBe('status.podIP');
  });
});
