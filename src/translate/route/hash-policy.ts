// DestinationRule consistentHash → Envoy route hash_policy (istio consistentHashToHashPolicy),
// and the lookup of which consistentHash applies to a route destination
// (istio hashForHTTPDestination: subset port-level > subset > port-level > top level).
import { create } from '@bufbuild/protobuf';

import type {
  Destination,
  DestinationRuleSpec,
  PortTrafficPolicy,
} from '../../model/istio-types.js';
import { durationFromIstio } from '../common/duration.js';
import {
  RouteAction_HashPolicySchema,
  type RouteAction_HashPolicy,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import type { ConsistentHash } from './route-options.js';

export function hashPolicyFor(
  hash: ConsistentHash | undefined,
): RouteAction_HashPolicy | undefined {
  if (!hash) return undefined;
  if (hash.httpHeaderName) {
    return create(RouteAction_HashPolicySchema, {
      policySpecifier: { case: 'header', value: { headerName: hash.httpHeaderName } },
    });
  }
  if (hash.httpCookie) {
    const c = hash.httpCookie;
    return create(RouteAction_HashPolicySchema, {
      policySpecifier: {
        case: 'cookie',
        value: {
          name: c.name,
          path: c.path ?? '',
          ttl: c.ttl ? durationFromIstio(c.ttl) : undefined,
        },
      },
    });
  }
  if (hash.useSourceIp) {
    return create(RouteAction_HashPolicySchema, {
      policySpecifier: { case: 'connectionProperties', value: { sourceIp: true } },
    });
  }
  if (hash.httpQueryParameterName) {
    return create(RouteAction_HashPolicySchema, {
      policySpecifier: { case: 'queryParameter', value: { name: hash.httpQueryParameterName } },
    });
  }
  return undefined;
}

function portLevelHash(
  destination: Destination,
  settings: readonly PortTrafficPolicy[] | undefined,
): ConsistentHash | undefined {
  const port = destination.port?.number;
  if (port === undefined) return undefined;
  return settings?.find((s) => s.port?.number === port)?.loadBalancer?.consistentHash;
}

/** The consistentHash a DestinationRule applies to one route destination, if any. */
export function consistentHashForDestination(
  rule: DestinationRuleSpec | undefined,
  destination: Destination,
): ConsistentHash | undefined {
  if (!rule) return undefined;
  const top = rule.trafficPolicy?.loadBalancer?.consistentHash;
  const pls = portLevelHash(destination, rule.trafficPolicy?.portLevelSettings);
  const subset = rule.subsets?.find((s) => s.name === (destination.subset ?? ''));
  const subsetHash = subset?.trafficPolicy?.loadBalancer?.consistentHash;
  const subsetPls = subset
    ? portLevelHash(destination, subset.trafficPolicy?.portLevelSettings)
    : undefined;
  return subsetPls ?? subsetHash ?? pls ?? top;
}

/** The consistentHash for a service port's default route (istio hashForService). */
export function consistentHashForServicePort(
  rule: DestinationRuleSpec | undefined,
  port: number,
): ConsistentHash | undefined {
  if (!rule) return undefined;
  const setting = rule.trafficPolicy?.portLevelSettings?.find((s) => s.port?.number === port);
  return setting?.loadBalancer?.consistentHash ?? rule.trafficPolicy?.loadBalancer?.consistentHash;
}
