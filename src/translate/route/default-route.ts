// The route of a service no VirtualService covers (istio BuildDefaultHTTPOutboundRoute): named
// `default`, catch-all match, mesh-default retries, no timeout.
import { create } from '@bufbuild/protobuf';

import { outboundClusterName } from '../common/cluster-name.js';
import {
  RouteActionSchema,
  RouteSchema,
  type Route,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { hashPolicyFor } from './hash-policy.js';
import { convertRetryPolicy } from './retry.js';
import { applyTimeout } from './route-action.js';
import type { ConsistentHash } from './route-options.js';

export const DEFAULT_ROUTE_NAME = 'default';

export function defaultOutboundRoute(hostname: string, port: number, hash?: ConsistentHash): Route {
  const action = create(RouteActionSchema, {
    clusterSpecifier: { case: 'cluster', value: outboundClusterName(port, undefined, hostname) },
    // The default route keeps the previous_hosts predicate even with consistent hashing, as istiod.
    retryPolicy: convertRetryPolicy(undefined, false),
  });
  // istiod builds default routes without the proxy, so they take the Envoy timeout shape.
  applyTimeout(action, undefined, false);
  const hp = hashPolicyFor(hash);
  if (hp) action.hashPolicy.push(hp);
  return create(RouteSchema, {
    name: DEFAULT_ROUTE_NAME,
    match: { pathSpecifier: { case: 'prefix', value: '/' } },
    decorator: { operation: `${hostname}:${port}/*` },
    action: { case: 'route', value: action },
  });
}
