// A small mesh for the cluster/endpoint tests: `reviews` (HTTP, two sidecar pods v1/v2 and a
// not-ready v3), `grpc-echo` (a GRPC port, no sidecar), a headless `db`, external ServiceEntries
// (DNS, DNS_ROUND_ROBIN) and a MESH_INTERNAL one backed by WorkloadEntries in two localities.
export const MESH = `
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec:
  clusterIP: 10.96.0.10
  selector: { app: reviews }
  ports: [{ name: http, port: 9080, targetPort: 9080 }]
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v1-0
  namespace: default
  labels: { app: reviews, version: v1, security.istio.io/tlsMode: istio }
spec: { serviceAccountName: bookinfo-reviews, containers: [{ name: app, image: x }] }
status: { phase: Running, podIP: 10.244.0.11, conditions: [{ type: Ready, status: 'True' }] }
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v2-0
  namespace: default
  labels: { app: reviews, version: v2, security.istio.io/tlsMode: istio }
spec: { serviceAccountName: bookinfo-reviews, containers: [{ name: app, image: x }] }
status: { phase: Running, podIP: 10.244.0.12, conditions: [{ type: Ready, status: 'True' }] }
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v3-0
  namespace: default
  labels: { app: reviews, version: v3, security.istio.io/tlsMode: istio }
spec: { serviceAccountName: bookinfo-reviews, containers: [{ name: app, image: x }] }
status: { phase: Running, podIP: 10.244.0.13, conditions: [{ type: Ready, status: 'False' }] }
---
apiVersion: v1
kind: Service
metadata: { name: grpc-echo, namespace: default }
spec:
  clusterIP: 10.96.0.20
  selector: { app: grpc-echo }
  ports: [{ name: grpc, port: 7070, targetPort: 17070 }]
---
apiVersion: v1
kind: Pod
metadata:
  name: grpc-echo-0
  namespace: default
  labels: { app: grpc-echo }
spec: { containers: [{ name: app, image: x }] }
status: { phase: Running, podIP: 10.244.0.21, conditions: [{ type: Ready, status: 'True' }] }
---
apiVersion: v1
kind: Service
metadata: { name: db, namespace: default }
spec:
  clusterIP: None
  selector: { app: db }
  ports: [{ name: tcp, port: 5432 }]
---
apiVersion: v1
kind: Pod
metadata:
  name: productpage-0
  namespace: default
  labels: { app: productpage, version: v1, security.istio.io/tlsMode: istio }
spec: { serviceAccountName: bookinfo-productpage, containers: [{ name: app, image: x }] }
status: { phase: Running, podIP: 10.244.0.41, conditions: [{ type: Ready, status: 'True' }] }
---
apiVersion: v1
kind: Service
metadata: { name: productpage, namespace: default }
spec:
  clusterIP: 10.96.0.41
  selector: { app: productpage }
  ports:
  - { name: http, port: 9080, targetPort: 9080 }
  - { name: grpc-admin, port: 9090, targetPort: 19090 }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: httpbin, namespace: default }
spec:
  hosts: [httpbin.org]
  ports: [{ number: 443, name: tls, protocol: TLS }]
  resolution: DNS
  location: MESH_EXTERNAL
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: api, namespace: default }
spec:
  hosts: [api.example.com]
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: DNS_ROUND_ROBIN
  location: MESH_EXTERNAL
  endpoints: [{ address: a.example.com }, { address: b.example.com }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: billing, namespace: default }
spec:
  hosts: [billing.internal]
  location: MESH_INTERNAL
  ports: [{ number: 8080, name: http, protocol: HTTP }]
  resolution: STATIC
  workloadSelector: { labels: { app: billing } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: billing-1, namespace: default }
spec: { address: 192.168.0.1, labels: { app: billing }, locality: us-east/zone-a, weight: 3 }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: billing-2, namespace: default }
spec: { address: 192.168.0.2, labels: { app: billing }, locality: us-east/zone-a, weight: 2 }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: billing-3, namespace: default }
spec: { address: 192.168.0.3, labels: { app: billing }, locality: eu-west/zone-b }
`;

export const PRODUCTPAGE = { ip: '10.244.0.41', pod: 'productpage-0' };
export const REVIEWS_V1 = { ip: '10.244.0.11', pod: 'reviews-v1-0' };

export const REVIEWS = 'reviews.default.svc.cluster.local';

export function withConfig(...docs: string[]): string {
  return [MESH, ...docs].join('\n---\n');
}
