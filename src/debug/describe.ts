// `/debug/describe?proxyID=<pod>.<ns>`: the Istio config that applies to one workload and what it
// does, computed from the current push context (the same indexes translation uses, so the answer
// cannot drift from what proxies are sent). The workload is found among the registry's Pods and
// WorkloadEntries, else among connected proxies (a proxyless client needs no Pod).
import type { ConfigResource } from '../model/config.js';
import type {
  DestinationRuleSpec,
  HTTPMatchRequest,
  HTTPRoute,
  StringMatch,
  TrafficPolicy,
  VirtualServiceSpec,
} from '../model/istio-types.js';
import type { PushContext } from '../model/push-context.js';
import { selectorMatches } from '../model/registry/labels.js';
import type { Service } from '../model/service.js';
import type { DiscoveryServer } from '../server/discovery-server.js';

export interface ResourceRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface DescribedDestinationRule extends ResourceRef {
  host: string;
  matchingSubsets: string[];
  nonMatchingSubsets: string[];
  /** One line per traffic policy setting (TLS mode, load balancer, outlier detection...). */
  policy: string[];
}

export interface DescribedVirtualService extends ResourceRef {
  hosts: string[];
  /** One line per HTTP/TCP/TLS route: its match and where it sends traffic. */
  routes: string[];
}

export interface DescribedService {
  hostname: string;
  name: string;
  namespace: string;
  ports: { name: string; port: number; protocol: string; targetPort?: number }[];
  destinationRule?: DescribedDestinationRule;
  virtualServices: DescribedVirtualService[];
}

export interface PodDescription {
  name: string;
  namespace: string;
  ip?: string;
  labels: Record<string, string>;
  serviceAccount?: string;
  /** Whether a proxy of that name is connected now, and its node id. */
  connected: boolean;
  nodeId?: string;
  proxyKind?: string;
  services: DescribedService[];
  sidecar?: ResourceRef & { summary: string[] };
  peerAuthentications: (ResourceRef & { mode: string })[];
  /** The mTLS mode the workload's inbound listeners enforce. */
  effectiveMtls: string;
  portLevelMtls: Record<string, string>;
  authorizationPolicies: (ResourceRef & { action: string })[];
}

const refOf = (r: ConfigResource): ResourceRef => ({
  kind: r.kind,
  namespace: r.metadata.namespace,
  name: r.metadata.name,
});

function stringMatch(m: StringMatch): string {
  if (m.exact !== undefined) return `=${m.exact}`;
  if (m.prefix !== undefined) return ` prefix ${m.prefix}`;
  if (m.regex !== undefined) return ` ~ /${m.regex}/`;
  return ' (any)';
}

function describeMatch(m: HTTPMatchRequest): string {
  const parts: string[] = [];
  if (m.uri) parts.push(`uri${stringMatch(m.uri)}`);
  if (m.method) parts.push(`method${stringMatch(m.method)}`);
  if (m.authority) parts.push(`authority${stringMatch(m.authority)}`);
  for (const [h, v] of Object.entries(m.headers ?? {})) parts.push(`header ${h}${stringMatch(v)}`);
  for (const [h, v] of Object.entries(m.withoutHeaders ?? {})) {
    parts.push(`without header ${h}${stringMatch(v)}`);
  }
  for (const [q, v] of Object.entries(m.queryParams ?? {}))
    parts.push(`query ${q}${stringMatch(v)}`);
  if (m.port !== undefined) parts.push(`port ${m.port}`);
  if (m.sourceLabels) parts.push(`from ${labelText(m.sourceLabels)}`);
  if (m.gateways) parts.push(`gateways ${m.gateways.join(',')}`);
  return parts.length > 0 ? parts.join(' and ') : 'any request';
}

const labelText = (l: Record<string, string>): string =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

function describeHttpRoute(r: HTTPRoute, i: number): string {
  const when =
    r.match && r.match.length > 0 ? r.match.map(describeMatch).join(' OR ') : 'any request';
  let then: string;
  if (r.redirect) then = `redirect to ${r.redirect.authority ?? ''}${r.redirect.uri ?? ''}`;
  else if (r.directResponse) then = `respond ${r.directResponse.status}`;
  else if (r.delegate) then = `delegate to ${r.delegate.namespace ?? ''}/${r.delegate.name ?? ''}`;
  else {
    const dests = r.route ?? [];
    const total = dests.reduce((s, d) => s + (d.weight ?? 0), 0);
    then = `route to ${dests
      .map((d) => {
        const w = dests.length === 1 ? 100 : total === 0 ? 0 : (d.weight ?? 0);
        const port = d.destination.port?.number ? `:${d.destination.port.number}` : '';
        const subset = d.destination.subset ? ` subset ${d.destination.subset}` : '';
        return `${d.destination.host}${port}${subset} ${w}%`;
      })
      .join(', ')}`;
  }
  const extras: string[] = [];
  if (r.fault?.abort) {
    const pct = r.fault.abort.percentage?.value ?? 100;
    extras.push(`fault abort ${r.fault.abort.httpStatus ?? r.fault.abort.grpcStatus} ${pct}%`);
  }
  if (r.fault?.delay) {
    const pct = r.fault.delay.percentage?.value ?? r.fault.delay.percent ?? 100;
    extras.push(`fault delay ${String(r.fault.delay.fixedDelay)} ${pct}%`);
  }
  if (r.timeout) extras.push(`timeout ${String(r.timeout)}`);
  if (r.retries) extras.push(`retries ${r.retries.attempts ?? 0}`);
  if (r.mirror) extras.push(`mirror to ${r.mirror.host}`);
  if (r.rewrite?.uri !== undefined) extras.push(`rewrite uri ${r.rewrite.uri}`);
  const name = r.name ? ` "${r.name}"` : '';
  return `http[${i}]${name}: ${when} → ${then}${extras.length ? ` (${extras.join('; ')})` : ''}`;
}

function describeVsRoutes(spec: VirtualServiceSpec): string[] {
  const lines = (spec.http ?? []).map(describeHttpRoute);
  (spec.tcp ?? []).forEach((t, i) =>
    lines.push(
      `tcp[${i}]: → ${(t.route ?? []).map((d) => `${d.destination.host}${d.destination.subset ? ` subset ${d.destination.subset}` : ''} ${d.weight ?? 100}%`).join(', ')}`,
    ),
  );
  (spec.tls ?? []).forEach((t, i) =>
    lines.push(
      `tls[${i}]: sni ${t.match.flatMap((m) => m.sniHosts).join(',')} → ${(t.route ?? []).map((d) => d.destination.host).join(', ')}`,
    ),
  );
  return lines;
}

function describePolicy(p: TrafficPolicy | undefined, prefix = ''): string[] {
  if (!p) return [];
  const out: string[] = [];
  if (p.tls?.mode) out.push(`${prefix}TLS mode: ${p.tls.mode}`);
  if (p.loadBalancer?.simple) out.push(`${prefix}load balancer: ${p.loadBalancer.simple}`);
  if (p.loadBalancer?.consistentHash) out.push(`${prefix}load balancer: consistent hash`);
  if (p.connectionPool) out.push(`${prefix}connection pool: ${JSON.stringify(p.connectionPool)}`);
  if (p.outlierDetection) {
    out.push(`${prefix}outlier detection: ${JSON.stringify(p.outlierDetection)}`);
  }
  for (const pl of p.portLevelSettings ?? []) {
    out.push(...describePolicy(pl as TrafficPolicy, `${prefix}port ${pl.port?.number ?? '?'} `));
  }
  return out;
}

/** `reviews` in namespace default → `reviews.default.svc.cluster.local`; FQDNs and `*` stay. */
function resolveHost(host: string, namespace: string, suffix: string): string {
  if (host.includes('*') || host.split('.').length > 2) return host;
  return host.includes('.') ? `${host}.svc.${suffix}` : `${host}.${namespace}.svc.${suffix}`;
}

function describeDestinationRule(
  dr: ConfigResource<DestinationRuleSpec>,
  labels: Record<string, string>,
): DescribedDestinationRule {
  const subsets = dr.spec.subsets ?? [];
  const matching = subsets.filter((s) => selectorMatches(s.labels ?? {}, labels));
  return {
    ...refOf(dr),
    host: dr.spec.host,
    matchingSubsets: matching.map((s) => s.name),
    nonMatchingSubsets: subsets.filter((s) => !matching.includes(s)).map((s) => s.name),
    policy: [
      ...describePolicy(dr.spec.trafficPolicy),
      ...matching.flatMap((s) => describePolicy(s.trafficPolicy, `subset ${s.name} `)),
    ],
  };
}

/** VirtualServices (bound to the mesh, visible from `ns`) naming the host or routing to it. */
function virtualServicesFor(
  push: PushContext,
  ns: string,
  svc: Service,
): DescribedVirtualService[] {
  const suffix = push.mesh.domainSuffix;
  return push
    .virtualServicesFor(ns, 'mesh')
    .filter((vs) => {
      if (vs.hosts.includes(svc.hostname)) return true;
      const spec = vs.resource.spec;
      const dests = [
        ...(spec.http ?? []).flatMap((r) => r.route ?? []),
        ...(spec.tcp ?? []).flatMap((r) => r.route ?? []),
        ...(spec.tls ?? []).flatMap((r) => r.route ?? []),
      ];
      return dests.some(
        (d) =>
          resolveHost(d.destination.host, vs.resource.metadata.namespace, suffix) === svc.hostname,
      );
    })
    .map((vs) => ({
      ...refOf(vs.resource),
      hosts: [...vs.hosts],
      routes: describeVsRoutes(vs.resource.spec),
    }));
}

export function describeWorkload(d: DiscoveryServer, id: string): PodDescription | undefined {
  const push = d.pushContext;
  const connected = d.connectedProxies().find((p) => p.nodeId === id || p.proxy.name === id);
  const dot = id.lastIndexOf('.');
  const [podName, namespace] = connected
    ? [connected.proxy.podName, connected.proxy.namespace]
    : dot > 0
      ? [id.slice(0, dot), id.slice(dot + 1)]
      : [id, 'default'];
  const workload = push.workloadByName(namespace, podName);
  if (!workload && !connected) return undefined;
  const labels = connected?.proxy.labels ?? workload?.labels ?? {};
  const services = push.servicesForWorkload(namespace, labels).map((svc) => {
    const dr = push.destinationRule(namespace, svc.hostname, labels);
    return {
      hostname: svc.hostname,
      name: svc.name,
      namespace: svc.namespace,
      ports: svc.ports.map((p) => ({
        name: p.name,
        port: p.port,
        protocol: p.protocol,
        targetPort: p.targetPort,
      })),
      destinationRule: dr ? describeDestinationRule(dr, labels) : undefined,
      virtualServices: virtualServicesFor(push, namespace, svc),
    };
  });
  const sidecar = push.sidecarFor(namespace, labels);
  const pas = push.peerAuthenticationsFor(namespace, labels);
  let effective = 'PERMISSIVE';
  const portLevel: Record<string, string> = {};
  for (const pa of pas) {
    const mode = pa.spec.mtls?.mode;
    if (mode && mode !== 'UNSET') effective = mode;
    for (const [port, m] of Object.entries(pa.spec.portLevelMtls ?? {})) {
      if (m.mode && m.mode !== 'UNSET') portLevel[port] = m.mode;
    }
  }
  return {
    name: podName,
    namespace,
    ip: workload?.ip ?? connected?.proxy.ip,
    labels,
    serviceAccount: connected?.proxy.serviceAccount ?? workload?.serviceAccount,
    connected: connected !== undefined,
    nodeId: connected?.nodeId,
    proxyKind: connected
      ? connected.proxy.generator === 'grpc'
        ? 'proxyless gRPC'
        : connected.proxy.type
      : undefined,
    services,
    sidecar: sidecar
      ? {
          ...refOf(sidecar),
          summary: [
            ...(sidecar.spec.egress ?? []).map(
              (e) => `egress${e.port ? ` port ${e.port.number}` : ''}: hosts ${e.hosts.join(', ')}`,
            ),
            ...(sidecar.spec.ingress ?? []).map(
              (i) => `ingress port ${i.port.number} → ${i.defaultEndpoint ?? 'the workload'}`,
            ),
            ...(sidecar.spec.outboundTrafficPolicy?.mode
              ? [`outbound traffic policy: ${sidecar.spec.outboundTrafficPolicy.mode}`]
              : []),
          ],
        }
      : undefined,
    peerAuthentications: pas.map((pa) => ({ ...refOf(pa), mode: pa.spec.mtls?.mode ?? 'UNSET' })),
    effectiveMtls: effective,
    portLevelMtls: portLevel,
    authorizationPolicies: push
      .authorizationPoliciesFor(namespace, labels)
      .map((ap) => ({ ...refOf(ap), action: ap.spec.action ?? 'ALLOW' })),
  };
}
