// The ports a proxyless gRPC server may serve with xDS (istiod's ServiceTargets of the node):
// the target port of every port of every Service selecting the workload. A numeric targetPort
// is used as declared; a named or missing one is read from the workload's own endpoint, else
// the service port is assumed.
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';

export interface GrpcServerPort {
  /** Port the workload listens on. */
  port: number;
  /** The service (first by hostname) that targets it. */
  service: Service;
}

function targetPort(svc: Service, servicePort: number, proxy: Proxy, push: PushContext): number {
  const declared = svc.ports.find((p) => p.port === servicePort)?.targetPort;
  if (declared !== undefined) return declared;
  const own = push
    .endpoints(svc.hostname, servicePort, svc.namespace)
    .find((ep) => ep.address === proxy.ip || proxy.ips.includes(ep.address));
  return own?.port ?? servicePort;
}

export function grpcServerPorts(proxy: Proxy, push: PushContext): GrpcServerPort[] {
  const byPort = new Map<number, GrpcServerPort>();
  for (const service of push.servicesForWorkload(proxy.namespace, proxy.labels)) {
    for (const p of service.ports) {
      const port = targetPort(service, p.port, proxy, push);
      if (!byPort.has(port)) byPort.set(port, { port, service });
    }
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}
