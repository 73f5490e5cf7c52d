// Generates a synthetic but realistic mesh for the benchmark: N services over M namespaces with
// several ports, K versions each (Pods + Endpoints on loopback-range IPs that are never
// contacted), DestinationRules with subsets, VirtualServices with matches and weights, an
// ingress Gateway with its VirtualService, and optionally a Sidecar per namespace that scopes
// egress to its own namespace, istio-system and two dependency namespaces. Pure: the same options
// give the same files, so the mini-istiod run and the exported go-control-plane snapshots agree.
import { stringify } from 'yaml';

export interface MeshOptions {
  services: number;
  namespaces: number;
  versions: number;
  /** Simulated sidecars; they are spread over the generated pods. */
  proxies: number;
  sidecarScoping: boolean;
  /** Extra pods per service that are not endpoints yet: endpoint churn adds and removes them. */
  sparePods?: number;
  /** Services exposed through the ingress gateway. */
  gatewayServices?: number;
}

export interface ServiceInfo {
  name: string;
  namespace: string;
  host: string;
  ports: { name: string; port: number }[];
  hasVirtualService: boolean;
}

export interface PodInfo {
  name: string;
  namespace: string;
  service: string;
  ip: string;
  labels: Record<string, string>;
}

export interface MeshNode {
  id: string;
  metadata: Record<string, unknown>;
}

export interface Mesh {
  options: MeshOptions;
  /** Repo-relative file path → YAML text. */
  files: Map<string, string>;
  services: ServiceInfo[];
  /** Pods that are endpoints, per service (churn mutates copies of these lists). */
  endpointPods: Map<string, PodInfo[]>;
  sparePods: Map<string, PodInfo[]>;
  /** Sidecars plus one ingress gateway. */
  nodes: MeshNode[];
}

export const ROOT_NAMESPACE = 'istio-system';
const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/** Loopback addresses 127.a.b.c, c never 0 or 255, from a running counter. */
export function loopbackIp(n: number): string {
  const c = (n % 254) + 1;
  const rest = Math.floor(n / 254);
  return `127.${(Math.floor(rest / 256) % 254) + 1}.${rest % 256}.${c}`;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function namespaceName(i: number, total: number): string {
  return `ns-${pad(i, Math.max(2, String(total - 1).length))}`;
}

function servicePorts(i: number): { name: string; port: number }[] {
  const ports = [{ name: 'http', port: 8080 }];
  if (i % 2 === 0) ports.push({ name: 'grpc', port: 9090 });
  if (i % 5 === 0) ports.push({ name: 'tcp-db', port: 5432 });
  return ports;
}

const doc = (objects: object[]): string => objects.map((o) => stringify(o)).join('---\n');

function podObject(p: PodInfo, ports: { name: string; port: number }[]): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
    spec: {
      serviceAccountName: p.service,
      containers: [
        { name: 'app', ports: ports.map((x) => ({ name: x.name, containerPort: x.port })) },
      ],
    },
    status: {
      phase: 'Running',
      podIP: p.ip,
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

/** The Endpoints object of a service listing exactly `pods` (churn rewrites it). */
export function endpointsYaml(svc: ServiceInfo, pods: readonly PodInfo[]): string {
  return doc([
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: svc.name, namespace: svc.namespace },
      subsets:
        pods.length === 0
          ? []
          : [
              {
                addresses: pods.map((p) => ({
                  ip: p.ip,
                  targetRef: { kind: 'Pod', name: p.name, namespace: p.namespace },
                })),
                ports: svc.ports.map((x) => ({ name: x.name, port: x.port, protocol: 'TCP' })),
              },
            ],
    },
  ]);
}

export function destinationRuleYaml(
  svc: ServiceInfo,
  versions: number,
  index: number,
  variant = 0,
): string {
  const trafficPolicy: Record<string, unknown> = {
    connectionPool: {
      http: { http1MaxPendingRequests: 100 + variant, maxRequestsPerConnection: 10 },
    },
  };
  if (index % 3 === 0) {
    trafficPolicy.outlierDetection = {
      consecutive5xxErrors: 5,
      interval: '10s',
      baseEjectionTime: '30s',
    };
  }
  if (variant > 0) trafficPolicy.loadBalancer = { simple: 'LEAST_REQUEST' };
  return doc([
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: svc.name, namespace: svc.namespace },
      spec: {
        host: svc.host,
        trafficPolicy,
        subsets: Array.from({ length: versions }, (_, k) => ({
          name: `v${k + 1}`,
          labels: { version: `v${k + 1}` },
        })),
      },
    },
  ]);
}

/** `canaryWeight` percent goes to the last version, the rest to v1. */
export function virtualServiceYaml(svc: ServiceInfo, versions: number, canaryWeight = 20): string {
  const last = `v${versions}`;
  const dest = (subset: string) => ({ host: svc.host, subset, port: { number: 8080 } });
  const split =
    versions > 1
      ? [
          { destination: dest('v1'), weight: 100 - canaryWeight },
          { destination: dest(last), weight: canaryWeight },
        ]
      : [{ destination: dest('v1'), weight: 100 }];
  return doc([
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: svc.name, namespace: svc.namespace },
      spec: {
        hosts: [svc.host],
        http: [
          {
            name: 'testers',
            match: [{ headers: { 'end-user': { exact: 'tester' } }, port: 8080 }],
            route: [{ destination: dest(last) }],
          },
          {
            name: 'default',
            match: [{ port: 8080 }],
            route: split,
            timeout: '5s',
            retries: { attempts: 2, perTryTimeout: '1s', retryOn: '5xx,reset' },
          },
        ],
      },
    },
  ]);
}

/** The mesh-wide change of the benchmark: strict mTLS for the whole mesh (root namespace). */
export function meshWidePeerAuthenticationYaml(): string {
  return doc([
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: ROOT_NAMESPACE },
      spec: { mtls: { mode: 'STRICT' } },
    },
  ]);
}

export function generateMesh(options: MeshOptions): Mesh {
  const { services: n, namespaces: m, versions: k } = options;
  if (n < 1 || m < 1 || k < 1) throw new Error('services, namespaces and versions must be >= 1');
  const spare = options.sparePods ?? 2;
  const files = new Map<string, string>();
  const services: ServiceInfo[] = [];
  const endpointPods = new Map<string, PodInfo[]>();
  const sparePods = new Map<string, PodInfo[]>();
  const replicas = Math.max(1, Math.ceil(options.proxies / (n * k)));
  let ipCounter = 0;

  const namespaces = Array.from({ length: m }, (_, i) => namespaceName(i, m));
  files.set(
    'namespaces.yaml',
    doc(
      [ROOT_NAMESPACE, ...namespaces].map((name) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { 'istio-injection': 'enabled' } },
      })),
    ),
  );

  for (let i = 0; i < n; i++) {
    const namespace = namespaces[i % m];
    const name = `svc-${pad(i, Math.max(4, String(n - 1).length))}`;
    const svc: ServiceInfo = {
      name,
      namespace,
      host: `${name}.${namespace}.svc.cluster.local`,
      ports: servicePorts(i),
      hasVirtualService: i % 2 === 0,
    };
    services.push(svc);
    const base = `${namespace}/${name}`;
    files.set(
      `${base}.service.yaml`,
      doc([
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace, labels: { app: name } },
          spec: {
            clusterIP: `10.96.${Math.floor(i / 250)}.${(i % 250) + 1}`,
            selector: { app: name },
            ports: svc.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port })),
          },
        },
      ]),
    );
    const pods: PodInfo[] = [];
    for (let v = 1; v <= k; v++) {
      for (let r = 0; r < replicas; r++) {
        pods.push({
          name: `${name}-v${v}-${r}`,
          namespace,
          service: name,
          ip: loopbackIp(ipCounter++),
          labels: { app: name, version: `v${v}`, [TLS_MODE_LABEL]: 'istio' },
        });
      }
    }
    const spares: PodInfo[] = Array.from({ length: spare }, (_, s) => ({
      name: `${name}-spare-${s}`,
      namespace,
      service: name,
      ip: loopbackIp(ipCounter++),
      labels: { app: name, version: 'v1', [TLS_MODE_LABEL]: 'istio' },
    }));
    endpointPods.set(name, pods);
    sparePods.set(name, spares);
    files.set(`${base}.pods.yaml`, doc([...pods, ...spares].map((p) => podObject(p, svc.ports))));
    files.set(`${base}.endpoints.yaml`, endpointsYaml(svc, pods));
    files.set(`${base}.destinationrule.yaml`, destinationRuleYaml(svc, k, i));
    if (svc.hasVirtualService) files.set(`${base}.virtualservice.yaml`, virtualServiceYaml(svc, k));
  }

  if (options.sidecarScoping) {
    namespaces.forEach((ns, i) => {
      const deps = [...new Set([namespaces[(i + 1) % m], namespaces[(i + 2) % m]])].filter(
        (d) => d !== ns,
      );
      files.set(
        `${ns}/sidecar.yaml`,
        doc([
          {
            apiVersion: 'networking.istio.io/v1',
            kind: 'Sidecar',
            metadata: { name: 'default', namespace: ns },
            spec: {
              egress: [{ hosts: ['./*', `${ROOT_NAMESPACE}/*`, ...deps.map((d) => `${d}/*`)] }],
            },
          },
        ]),
      );
    });
  }

  const exposed = services.slice(0, options.gatewayServices ?? Math.min(10, n));
  const gatewayPod: PodInfo = {
    name: 'istio-ingressgateway-0',
    namespace: ROOT_NAMESPACE,
    service: 'istio-ingressgateway',
    ip: loopbackIp(ipCounter++),
    labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
  };
  files.set(
    `${ROOT_NAMESPACE}/gateway.yaml`,
    doc([
      podObject(gatewayPod, [{ name: 'http', port: 8080 }]),
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: { name: 'ingress', namespace: ROOT_NAMESPACE },
        spec: {
          selector: { istio: 'ingressgateway' },
          servers: [
            { port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] },
          ],
        },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'ingress-routes', namespace: ROOT_NAMESPACE },
        spec: {
          hosts: exposed.map((s) => `${s.name}.example.com`),
          gateways: [`${ROOT_NAMESPACE}/ingress`],
          http: exposed.map((s) => ({
            match: [{ authority: { exact: `${s.name}.example.com` } }],
            route: [{ destination: { host: s.host, port: { number: 8080 } } }],
          })),
        },
      },
    ]),
  );

  const allPods = services.flatMap((s) => endpointPods.get(s.name) ?? []);
  const nodes: MeshNode[] = [];
  for (let p = 0; p < options.proxies; p++) {
    const pod = allPods[p % allPods.length];
    nodes.push(nodeFor('sidecar', pod));
  }
  nodes.push(nodeFor('router', gatewayPod));
  return { options, files, services, endpointPods, sparePods, nodes };
}

function nodeFor(type: 'sidecar' | 'router', pod: PodInfo): MeshNode {
  return {
    id: `${type}~${pod.ip}~${pod.name}.${pod.namespace}~${pod.namespace}.svc.cluster.local`,
    metadata: {
      NAMESPACE: pod.namespace,
      LABELS: pod.labels,
      INSTANCE_IPS: pod.ip,
      SERVICE_ACCOUNT: pod.service,
      ISTIO_VERSION: '1.24.0',
    },
  };
}
