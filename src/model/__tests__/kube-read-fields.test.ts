// What the Kubernetes source keeps of listed objects: everything the model reads (the registry
// reads the same workload from a reduced Pod as from the whole one), nothing it does not, and
// server bookkeeping no longer counts as a change.
import { ConfigStore } from '../config-store.js';
import type { ConfigResource, RawObject } from '../config.js';
import { kubeReadFields } from '../kube-read-fields.js';
import { podInfo } from '../registry/workloads.js';
import type { SourceUpdate } from '../../sources/types.js';

/** An injected Pod as the API server lists it (abridged, but with every kind of field). */
function listedPod(over: { ready?: string; restarts?: number; resourceVersion?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'reviews-v1-7f6b8d9c4-x2x9z',
      namespace: 'default',
      uid: '3c1f-aaaa',
      resourceVersion: over.resourceVersion ?? '1001',
      creationTimestamp: '2026-11-20T10:00:00Z',
      labels: { app: 'reviews', version: 'v1', 'security.istio.io/tlsMode': 'istio' },
      annotations: {
        'sidecar.istio.io/status': '{"containers":["istio-proxy"]}',
        'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","kind":"Pod"}',
      },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'reviews-v1-7f6b8d9c4', uid: 'bbbb' }],
      managedFields: [{ manager: 'kubelet', operation: 'Update', fieldsV1: {} }],
    },
    spec: {
      serviceAccountName: 'bookinfo-reviews',
      nodeName: 'node-1',
      containers: [
        {
          name: 'reviews',
          image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2',
          ports: [{ name: 'http-web', containerPort: 9080, protocol: 'TCP' }],
          env: [{ name: 'LOG_DIR', value: '/tmp/logs' }],
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
        {
          name: 'istio-proxy',
          args: ['proxy', 'sidecar'],
          ports: [{ name: 'http-envoy-prom', containerPort: 15090 }],
          readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 } },
        },
      ],
      initContainers: [{ name: 'istio-init', args: ['istio-iptables', '-p', '15001'] }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
    },
    status: {
      phase: 'Running',
      hostIP: '172.18.0.2',
      podIP: '10.244.1.7',
      podIPs: [{ ip: '10.244.1.7' }, { ip: 'fd00::7' }],
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: '2026-11-20T10:00:01Z' },
        {
          type: 'Ready',
          status: over.ready ?? 'True',
          lastProbeTime: null,
          lastTransitionTime: '2026-11-20T10:00:05Z',
        },
      ],
      containerStatuses: [{ name: 'reviews', ready: true, restartCount: over.restarts ?? 0 }],
      startTime: '2026-11-20T10:00:00Z',
    },
  };
}

const asResource = (raw: RawObject): ConfigResource =>
  ({
    apiVersion: raw.apiVersion,
    kind: raw.kind,
    metadata: raw.metadata,
    spec: raw.spec,
    raw,
    source: { file: 'k8s://Pod/default/reviews-v1-7f6b8d9c4-x2x9z' },
  }) as ConfigResource;

const upsert = (raw: RawObject): SourceUpdate => ({
  origin: 'k8s://Pod/default/reviews-v1-7f6b8d9c4-x2x9z',
  documents: [{ source: { file: 'k8s://Pod/default/reviews-v1-7f6b8d9c4-x2x9z' }, object: raw }],
  parseErrors: [],
});

describe('kubeReadFields', () => {
  it('reduces a Pod to its identity, service account, node, container ports and readiness', () => {
    expect(kubeReadFields(listedPod())).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'reviews-v1-7f6b8d9c4-x2x9z',
        namespace: 'default',
        uid: '3c1f-aaaa',
        creationTimestamp: '2026-11-20T10:00:00Z',
        labels: { app: 'reviews', version: 'v1', 'security.istio.io/tlsMode': 'istio' },
        annotations: { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'reviews-v1-7f6b8d9c4', uid: 'bbbb' }],
      },
      spec: {
        serviceAccountName: 'bookinfo-reviews',
        nodeName: 'node-1',
        containers: [
          {
            name: 'reviews',
            ports: [{ name: 'http-web', containerPort: 9080, protocol: 'TCP' }],
          },
          { name: 'istio-proxy', ports: [{ name: 'http-envoy-prom', containerPort: 15090 }] },
        ],
      },
      status: {
        phase: 'Running',
        podIP: '10.244.1.7',
        podIPs: [{ ip: '10.244.1.7' }, { ip: 'fd00::7' }],
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
      },
    });
  });

  it('gives the registry the same workload as the whole Pod', () => {
    const whole = listedPod() as RawObject;
    for (const ready of ['True', 'False']) {
      const pod = listedPod({ ready }) as RawObject;
      expect(podInfo(asResource(kubeReadFields(pod)), 'cluster.local')).toEqual(
        podInfo(asResource(pod), 'cluster.local'),
      );
    }
    expect(podInfo(asResource(kubeReadFields(whole)), 'cluster.local').ready).toBe(true);
  });

  it('drops the status of other kinds and keeps their spec and data as they are', () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default', resourceVersion: '7', generation: 3 },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] },
      status: { observedGeneration: '3', validationMessages: [{ type: { code: 'IST0101' } }] },
    };
    expect(kubeReadFields(vs)).toEqual({
      apiVersion: vs.apiVersion,
      kind: vs.kind,
      metadata: { name: 'reviews', namespace: 'default', generation: 3 },
      spec: vs.spec,
    });
    const eps = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'reviews', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '10.244.1.7' }], ports: [{ port: 9080 }] }],
    };
    expect(kubeReadFields(eps)).toEqual(eps);
    expect(vs.metadata.resourceVersion).toBe('7'); // the input is not modified
  });

  it('keeps a malformed Pod spec as it is, so validation still reports it', () => {
    const bad = { ...listedPod(), spec: 'not an object' } as RawObject;
    expect(kubeReadFields(bad).spec).toBe('not an object');
  });

  it('makes bookkeeping-only updates no change for the store, while readiness still is one', () => {
    const store = new ConfigStore();
    expect(store.apply([upsert(kubeReadFields(listedPod()))]).changedKeys).toHaveLength(1);
    const bookkeeping = listedPod({ resourceVersion: '1002', restarts: 1 });
    expect(store.apply([upsert(kubeReadFields(bookkeeping))]).changedKeys).toEqual([]);
    const notReady = listedPod({ resourceVersion: '1003', ready: 'False' });
    expect(store.apply([upsert(kubeReadFields(notReady))]).changedKeys).toEqual([
      'Pod/default/reviews-v1-7f6b8d9c4-x2x9z',
    ]);
    expect(store.errors()).toEqual([]);
  });
});
