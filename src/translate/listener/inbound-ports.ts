// The ports a sidecar's workload serves (Istio's ServiceInstances for the proxy): every port of
// every Service selecting the workload, keyed by the workload-side (target) port, or the
// Sidecar resource's ingress listeners when it declares any (those replace the services').
// Ingress ports carry their binding: chains are named `<bind>_<port>` (bind default: the pod IP)
// and captureMode NONE makes the port a listener of its own instead of virtualInbound chains.
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Protocol, Service } from '../../model/service.js';
import { inboundClusterName } from '../common/cluster-name.js';
import { ingressBinding } from './listener-binding.js';
import type { SidecarScope } from './sidecar-scope.js';
import { WILDCARD_ADDRESS } from './well-known-names.js';

export interface InboundPort {
  /** Port the workload listens on; inbound chains match it as destination_port. */
  port: number;
  protocol: Protocol;
  /** `inbound|<port>||`. */
  cluster: string;
  /** Service host:port pairs served here, for route decorators. */
  hosts: string[];
  /** Sidecar ingress defaultEndpoint, when the port comes from one. */
  defaultEndpoint?: string;
  /** Address naming the chains (`<bind>_<port>`); a bound port's listener listens there. */
  bind: string;
  /** captureMode NONE: a real listener `<bind>_<port>`, not virtualInbound chains. */
  bindToPort: boolean;
}

function targetPortFor(service: Service, port: number, proxy: Proxy, push: PushContext): number {
  const sp = service.ports.find((p) => p.port === port);
  if (sp?.targetPort !== undefined) return sp.targetPort;
  const own = push
    .endpoints(service.hostname, port, service.namespace)
    .find((ep) => proxy.ips.includes(ep.address) || ep.address === proxy.ip);
  return own?.port ?? port;
}

export function inboundPorts(proxy: Proxy, push: PushContext, scope: SidecarScope): InboundPort[] {
  const ingress = scope.sidecar?.spec.ingress ?? [];
  const byPort = new Map<number, InboundPort>();
  if (ingress.length > 0) {
    for (const l of ingress) {
      const port = l.port.number;
      if (byPort.has(port)) continue;
      const binding = ingressBinding(proxy, l);
      byPort.set(port, {
        port,
        protocol: toProtocol(l.port.protocol),
        cluster: inboundClusterName(port),
        hosts: [],
        defaultEndpoint: l.defaultEndpoint,
        bind: binding.address,
        bindToPort: binding.bindToPort,
      });
    }
  } else {
    for (const svc of push.servicesForWorkload(proxy.namespace, proxy.labels)) {
      for (const p of svc.ports) {
        const port = targetPortFor(svc, p.port, proxy, push);
        const existing = byPort.get(port);
        if (existing) {
          existing.hosts.push(`${svc.hostname}:${p.port}`);
          continue;
        }
        byPort.set(port, {
          port,
          protocol: p.protocol,
          cluster: inboundClusterName(port),
          hosts: [`${svc.hostname}:${p.port}`],
          bind: WILDCARD_ADDRESS,
          bindToPort: false,
        });
      }
    }
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

const PROTOCOLS: readonly Protocol[] = [
  'HTTP',
  'HTTP2',
  'HTTP_PROXY',
  'GRPC',
  'GRPC-Web',
  'HTTPS',
  'TLS',
  'TCP',
  'UDP',
  'Mongo',
  'Redis',
  'MySQL',
];

/** Istio protocol names are case-insensitive in config. */
export function toProtocol(name: string | undefined): Protocol {
  const upper = (name ?? '').toUpperCase();
  return PROTOCOLS.find((p) => p.toUpperCase() === upper) ?? 'Unsupported';
}
