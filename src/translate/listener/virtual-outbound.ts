// `virtualOutbound` (0.0.0.0:15001): where iptables redirects every outbound connection. Envoy
// hands a connection to the listener bound to its original destination (use_original_dst);
// what no listener claims hits the default chain, which forwards it as-is (ALLOW_ANY) or drops
// it (REGISTRY_ONLY). Traffic addressed to 15001 itself is black-holed to stop loops.
import { create } from '@bufbuild/protobuf';
import { TrafficDirection } from '../../gen/envoy/config/core/v3/base_pb.js';
import { ListenerSchema, type Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { tcpProxyFilter } from './tcp-proxy.js';
import { socketAddress } from '../common/socket-address.js';
import {
  BLACKHOLE_CLUSTER,
  PASSTHROUGH_CLUSTER,
  VIRTUAL_OUTBOUND,
  VIRTUAL_OUTBOUND_PORT,
  WILDCARD_ADDRESS,
} from './well-known-names.js';

export type OutboundTrafficPolicy = 'ALLOW_ANY' | 'REGISTRY_ONLY';

export function buildVirtualOutboundListener(policy: OutboundTrafficPolicy): Listener {
  const catchAll = policy === 'REGISTRY_ONLY' ? BLACKHOLE_CLUSTER : PASSTHROUGH_CLUSTER;
  return create(ListenerSchema, {
    name: VIRTUAL_OUTBOUND,
    address: socketAddress(WILDCARD_ADDRESS, VIRTUAL_OUTBOUND_PORT),
    useOriginalDst: true,
    trafficDirection: TrafficDirection.OUTBOUND,
    filterChains: [
      {
        name: 'virtualOutbound-blackhole',
        filterChainMatch: { destinationPort: VIRTUAL_OUTBOUND_PORT },
        filters: [tcpProxyFilter(BLACKHOLE_CLUSTER)],
      },
    ],
    defaultFilterChain: {
      name: policy === 'REGISTRY_ONLY' ? 'BlackHoleFilterChain' : 'PassthroughFilterChain',
      filters: [tcpProxyFilter(catchAll)],
    },
  });
}
