// The test helper that turns multi-document YAML into a ConfigSnapshot / PushContext.
import { pushContextFromYaml, snapshotFromYaml } from '../snapshot-from-yaml.js';

const WORLD = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: b
  namespace: zeta
spec:
  host: reviews
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: a
  namespace: zeta
spec:
  host: ratings
---
apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  clusterIP: 10.96.0.5
  ports:
  - name: http
    port: 9080
---
# a comment-only document is skipped
`;

describe('snapshotFromYaml', () => {
  it('groups documents by kind, defaults the namespace and sorts by namespace/name', () => {
    const snap = snapshotFromYaml(WORLD);
    expect(snap.virtualServices.map((r) => r.metadata.namespace)).toEqual(['default']);
    expect(snap.destinationRules.map((r) => r.metadata.name)).toEqual(['a', 'b']);
    expect(snap.kube.map((r) => `${r.kind}/${r.metadata.name}`)).toEqual(['Service/reviews']);
    expect(snap.virtualServices[0].source).toEqual({ file: 'test.yaml', docIndex: 0 });
  });

  it('rejects a document without a name, since that is a broken fixture', () => {
    expect(() => snapshotFromYaml('kind: Service\nmetadata: {}\n')).toThrow(/metadata.name/);
  });

  it('builds a push context with the default mesh config', () => {
    const push = pushContextFromYaml(WORLD);
    expect(push.mesh.rootNamespace).toBe('istio-system');
    expect(push.services.map((s) => s.hostname)).toEqual(['reviews.default.svc.cluster.local']);
    expect(push.virtualServicesFor('default', 'mesh')[0].hosts).toEqual([
      'reviews.default.svc.cluster.local',
    ]);
  });

  it('lets a test override mesh settings', () => {
    const push = pushContextFromYaml(WORLD, { domainSuffix: 'example.org' });
    expect(push.services[0].hostname).toBe('reviews.default.svc.example.org');
  });
});
