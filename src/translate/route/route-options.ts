// What route translation needs to know besides the VirtualService itself. Callers (sidecar,
// gateway, gRPC route configs) fill it in; the translators stay pure.
import type { MeshConfig } from '../../model/config.js';
import type { Destination, LoadBalancerSettings } from '../../model/istio-types.js';
import type { Proxy } from '../../model/proxy.js';
import type { Service } from '../../model/service.js';

export type ConsistentHash = NonNullable<LoadBalancerSettings['consistentHash']>;

export interface RouteOptions {
  proxy: Proxy;
  mesh: MeshConfig;
  /** Port of the listener (sidecar) or gateway server the routes are built for. */
  listenerPort: number;
  /** `mesh` for sidecars, `<ns>/<name>` of the gateway(s) being built. */
  gatewayNames: ReadonlySet<string>;
  /**
   * The registry service a destination host refers to, as Istio's per-listener registry sees it:
   * on sidecars a service reduced to the listener port (so single-port inference picks it), on
   * gateways the whole service. Undefined for unknown hosts (the route then uses the listener port).
   */
  lookupService(hostname: string): Service | undefined;
  /** DestinationRule consistent hash for a destination (subset / port-level aware), if any. */
  lookupHash?(destination: Destination): ConsistentHash | undefined;
  /** Gateway server terminates TLS (affects redirect scheme defaults). */
  isTls?: boolean;
  /** Proxyless gRPC: timeouts go to max_stream_duration, unsupported actions are dropped. */
  grpc?: boolean;
}
