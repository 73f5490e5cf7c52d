// Kubernetes watch events → SourceUpdates for the config store.
import { validateResource } from '../../../model/validation/validate-resource.js';
import {
  objectIdentity,
  originOf,
  removalUpdate,
  toRawObject,
  upsertUpdate,
} from '../object-updates.js';

// A VirtualService as a list response returns it: no apiVersion/kind, server bookkeeping included.
const listed = {
  metadata: {
    name: 'reviews',
    namespace: 'default',
    resourceVersion: '1234',
    uid: 'a1b2',
    managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: {} }],
  },
  spec: {
    hosts: ['reviews'],
    http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }],
  },
};

describe('object updates', () => {
  it('names origins k8s://Kind/ns/name, cluster-scoped ones k8s://Kind/name', () => {
    expect(originOf({ kind: 'VirtualService', namespace: 'default', name: 'reviews' })).toBe(
      'k8s://VirtualService/default/reviews',
    );
    expect(originOf({ kind: 'Namespace', name: 'bookinfo' })).toBe('k8s://Namespace/bookinfo');
  });

  it('fills apiVersion/kind, strips server bookkeeping and leaves the input untouched', () => {
    const raw = toRawObject(listed, 'networking.istio.io/v1', 'VirtualService');
    expect(raw.apiVersion).toBe('networking.istio.io/v1');
    expect(raw.kind).toBe('VirtualService');
    expect(raw.metadata).toEqual({ name: 'reviews', namespace: 'default', uid: 'a1b2' });
    expect(raw.spec).toEqual(listed.spec);
    expect(listed.metadata.managedFields).toHaveLength(1);
    expect(listed.metadata.resourceVersion).toBe('1234');
  });

  it('keeps only what the model reads of a Pod (model/kube-read-fields.ts)', () => {
    const pod = {
      metadata: { name: 'reviews-v1-0', namespace: 'default', resourceVersion: '5' },
      spec: { serviceAccountName: 'reviews', containers: [{ name: 'app', image: 'x', ports: [] }] },
      status: { podIP: '10.0.0.1', containerStatuses: [{ name: 'app', restartCount: 3 }] },
    };
    expect(toRawObject(pod, 'v1', 'Pod')).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'reviews-v1-0', namespace: 'default' },
      spec: { serviceAccountName: 'reviews', containers: [{ name: 'app', ports: [] }] },
      status: { podIP: '10.0.0.1' },
    });
  });

  it('produces updates that the model validates, with the origin as source file', () => {
    const id = { kind: 'VirtualService', namespace: 'default', name: 'reviews' };
    const update = upsertUpdate(
      toRawObject(listed, 'networking.istio.io/v1', 'VirtualService'),
      id,
    );
    expect(update.origin).toBe('k8s://VirtualService/default/reviews');
    expect(update.documents).toHaveLength(1);
    const doc = update.documents[0];
    expect(doc.source).toEqual({ file: 'k8s://VirtualService/default/reviews' });
    const result = validateResource(doc.object, doc.source);
    expect(result.ok).toBe(true);
    expect(removalUpdate(id)).toEqual({
      origin: 'k8s://VirtualService/default/reviews',
      documents: [],
      parseErrors: [],
      removed: true,
    });
  });

  it('reads identity and resourceVersion, rejecting objects without a name', () => {
    expect(objectIdentity(listed)).toEqual({
      name: 'reviews',
      namespace: 'default',
      resourceVersion: '1234',
    });
    expect(objectIdentity({ metadata: { name: 'default' } })).toEqual({
      name: 'default',
      namespace: undefined,
      resourceVersion: '',
    });
    expect(objectIdentity({ metadata: { resourceVersion: '9' } })).toBeUndefined();
    expect(objectIdentity('nope')).toBeUndefined();
  });
});
