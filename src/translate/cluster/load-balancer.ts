// DestinationRule loadBalancer → lb_policy and lb_config (Istio's applyLoadBalancer).
// Default is LEAST_REQUEST (Istio >= 1.14). ORIGINAL_DST clusters must use CLUSTER_PROVIDED.
// A consistentHash block wins over `simple` (Istio applies it last).
import { create } from '@bufbuild/protobuf';

import {
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
  Cluster_LeastRequestLbConfigSchema,
  Cluster_MaglevLbConfigSchema,
  Cluster_RingHashLbConfigSchema,
  Cluster_RoundRobinLbConfigSchema,
  type Cluster,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import type { LoadBalancerSettings } from '../../model/istio-types.js';
import { durationFromIstio } from '../common/duration.js';

/** Envoy's own default ring size, which Istio writes explicitly for the legacy hash forms. */
const DEFAULT_MIN_RING_SIZE = 1024n;

export function clusterType(c: Cluster): Cluster_DiscoveryType | undefined {
  return c.clusterDiscoveryType.case === 'type' ? c.clusterDiscoveryType.value : undefined;
}

function slowStart(
  lb: LoadBalancerSettings | undefined,
): { slowStartWindow: ReturnType<typeof durationFromIstio> } | undefined {
  return lb?.warmupDurationSecs !== undefined
    ? { slowStartWindow: durationFromIstio(lb.warmupDurationSecs) }
    : undefined;
}

function leastRequest(c: Cluster, lb: LoadBalancerSettings | undefined): void {
  c.lbPolicy = Cluster_LbPolicy.LEAST_REQUEST;
  const ss = slowStart(lb);
  if (ss !== undefined)
    c.lbConfig = {
      case: 'leastRequestLbConfig',
      value: create(Cluster_LeastRequestLbConfigSchema, { slowStartConfig: ss }),
    };
}

function roundRobin(c: Cluster, lb: LoadBalancerSettings | undefined): void {
  c.lbPolicy = Cluster_LbPolicy.ROUND_ROBIN;
  const ss = slowStart(lb);
  if (ss !== undefined)
    c.lbConfig = {
      case: 'roundRobinLbConfig',
      value: create(Cluster_RoundRobinLbConfigSchema, { slowStartConfig: ss }),
    };
}

/** consistentHash → RING_HASH (with minimum ring size) or MAGLEV. Exported for proxyless gRPC. */
export function applyConsistentHash(c: Cluster, lb: LoadBalancerSettings | undefined): void {
  const ch = lb?.consistentHash;
  if (ch === undefined) return;
  if (ch.maglev !== undefined) {
    c.lbPolicy = Cluster_LbPolicy.MAGLEV;
    if ((ch.maglev.tableSize ?? 0) !== 0)
      c.lbConfig = {
        case: 'maglevLbConfig',
        value: create(Cluster_MaglevLbConfigSchema, {
          tableSize: BigInt(ch.maglev.tableSize ?? 0),
        }),
      };
    return;
  }
  c.lbPolicy = Cluster_LbPolicy.RING_HASH;
  if (ch.ringHash !== undefined) {
    if ((ch.ringHash.minimumRingSize ?? 0) !== 0)
      c.lbConfig = {
        case: 'ringHashLbConfig',
        value: create(Cluster_RingHashLbConfigSchema, {
          minimumRingSize: BigInt(ch.ringHash.minimumRingSize ?? 0),
        }),
      };
    return;
  }
  const legacy = ch.minimumRingSize ?? 0;
  c.lbConfig = {
    case: 'ringHashLbConfig',
    value: create(Cluster_RingHashLbConfigSchema, {
      minimumRingSize: legacy !== 0 ? BigInt(legacy) : DEFAULT_MIN_RING_SIZE,
    }),
  };
}

export function applyLoadBalancer(c: Cluster, lb: LoadBalancerSettings | undefined): void {
  if (clusterType(c) === Cluster_DiscoveryType.ORIGINAL_DST) {
    c.lbPolicy = Cluster_LbPolicy.CLUSTER_PROVIDED;
    return;
  }
  switch (lb?.simple) {
    case 'LEAST_CONN':
    case 'LEAST_REQUEST':
      leastRequest(c, lb);
      break;
    case 'RANDOM':
      c.lbPolicy = Cluster_LbPolicy.RANDOM;
      break;
    case 'ROUND_ROBIN':
      roundRobin(c, lb);
      break;
    case 'PASSTHROUGH':
      // Send to the address the client dialled; any inline endpoints are meaningless then.
      c.lbPolicy = Cluster_LbPolicy.CLUSTER_PROVIDED;
      c.clusterDiscoveryType = { case: 'type', value: Cluster_DiscoveryType.ORIGINAL_DST };
      c.loadAssignment = undefined;
      break;
    default:
      leastRequest(c, lb);
  }
  applyConsistentHash(c, lb);
}
