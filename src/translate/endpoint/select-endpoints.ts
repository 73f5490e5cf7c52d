// Which registry endpoints back one cluster: the service port's endpoints, narrowed to a
// subset's labels, without unhealthy ones (istiod drops them unless the service opts in), and for
// DNS services the shapes Envoy's DNS clusters need.
import type { PushContext } from '../../model/push-context.js';
import type { Service, ServiceEndpoint, ServicePort } from '../../model/service.js';
import { workloadMtlsMode } from '../common/mtls-mode.js';

export interface SelectOptions {
  /** Subset labels; every one must be present on the endpoint. */
  subsetLabels?: Record<string, string>;
  /** Keep unhealthy endpoints (sent with health_status UNHEALTHY); Istio's default is to drop them. */
  sendUnhealthy?: boolean;
}

export function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (selector === undefined) return true;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function selectEndpoints(
  push: PushContext,
  service: Service,
  port: ServicePort,
  opts: SelectOptions = {},
): ServiceEndpoint[] {
  let eps = push
    .endpoints(service.hostname, port.port, service.namespace)
    .filter((ep) => labelsMatch(opts.subsetLabels, ep.labels))
    .filter((ep) => ep.healthy || opts.sendUnhealthy === true);
  const isDns = service.resolution === 'DNSLB' || service.resolution === 'DNSRoundRobinLB';
  if (
    isDns &&
    eps.length === 0 &&
    service.selector === undefined &&
    opts.subsetLabels === undefined
  ) {
    // A DNS ServiceEntry without endpoints resolves its own host name (the registry normally
    // synthesizes this endpoint; done here too so a registry without it still yields a cluster).
    eps = [
      {
        hostname: service.hostname,
        servicePort: port.port,
        servicePortName: port.name,
        address: service.hostname,
        port: port.port,
        labels: {},
        tlsMode: 'disabled',
        locality: '',
        weight: 1,
        healthy: true,
        namespace: service.namespace,
      },
    ];
  }
  // LOGICAL_DNS clusters accept exactly one endpoint.
  if (service.resolution === 'DNSRoundRobinLB') eps = eps.slice(0, 1);
  return eps;
}

/** A sidecar endpoint stays eligible for mTLS unless its own workload's policy says DISABLE. */
export function mtlsReadyChecker(push: PushContext): (ep: ServiceEndpoint) => boolean {
  return (ep) => workloadMtlsMode(push, ep.namespace, ep.labels, ep.port) !== 'DISABLE';
}
