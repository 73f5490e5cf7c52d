// A sidecar's inbound side (virtualInbound, Sidecar-bound ingress listeners, inbound clusters)
// shared between proxies within one push. The builders take their proxy facts as gathered
// inputs (listener/inbound-listener-inputs.ts, cluster/inbound-clusters.ts inboundClusterInputs)
// and the keys are made of exactly those inputs, so pods of one deployment (same Services and
// ports, same PeerAuthentication / AuthorizationPolicy / Sidecar / DestinationRule selection,
// same IP family) share one set of objects while a pod-unique label or IP that nothing selects
// on never splits them. What the inputs resolve per pod (a Sidecar ingress bind defaulting to
// the pod IP, a targetPort found through the pod's own endpoint) is in the key by value.
import type { Cluster } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import type { Proxy } from '../../model/proxy.js';
import type { PushContext } from '../../model/push-context.js';
import {
  inboundClusterInputs,
  inboundClustersFrom,
  type InboundClusterInputs,
} from '../cluster/inbound-clusters.js';
import { boundInboundListeners } from '../listener/bound-inbound.js';
import {
  inboundListenerInputs,
  inboundListenerKey,
  type InboundListenerInputs,
} from '../listener/inbound-listener-inputs.js';
import type { SidecarScope } from '../listener/sidecar-scope.js';
import { virtualInboundListener } from '../listener/virtual-inbound.js';
import { dnsFamilyPart } from './proxy-keys.js';
import { memo, objectId } from './push-memo.js';

export interface SharedInboundListeners {
  virtualInbound: Listener;
  /** captureMode NONE ingress ports: listeners of their own (usually none). */
  bound: Listener[];
}

/** virtualInbound and the bound ingress listeners, shared by proxies with equal inputs. */
export function sharedInboundListeners(
  proxy: Proxy,
  push: PushContext,
  scope: SidecarScope,
): SharedInboundListeners {
  const inputs: InboundListenerInputs = inboundListenerInputs(proxy, push, scope);
  const key = inboundListenerKey(inputs);
  return {
    virtualInbound: memo(push, `vin|${key}`, () => virtualInboundListener(push, inputs)),
    bound: memo(push, `bin|${key}`, () => boundInboundListeners(push, inputs)),
  };
}

function inboundClustersKey(proxy: Proxy, inputs: InboundClusterInputs): string {
  const clusters = inputs.clusters.map((c) => [
    c.clusterPort,
    c.servicePort,
    c.protocol,
    c.services.map(objectId),
    c.endpoint ?? null,
    objectId(c.destinationRule),
  ]);
  // Type and DNS family: what the base cluster reads of the proxy itself.
  return `icl|${proxy.type}|${dnsFamilyPart(proxy)}|${inputs.v6Only}|${objectId(inputs.connectionPool)}|${JSON.stringify(clusters)}`;
}

/** The inbound clusters, shared by proxies with equal inputs. */
export function sharedInboundClusters(proxy: Proxy, push: PushContext): Cluster[] {
  const inputs = inboundClusterInputs(proxy, push);
  return memo(push, inboundClustersKey(proxy, inputs), () =>
    inboundClustersFrom(proxy, push, inputs),
  );
}
