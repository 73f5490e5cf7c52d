// The forwarding part of an HTTP route (istio applyHTTPRouteDestination): clusters or weighted
// clusters, timeouts, retries, rewrites, mirrors, hash policies and destination-level headers.
import { create } from '@bufbuild/protobuf';

import type { Destination, HTTPRoute, HTTPRouteDestination } from '../../model/istio-types.js';
import { durationFromIstio, durationFromNanos } from '../common/duration.js';
import {
  RouteAction_MaxStreamDurationSchema,
  RouteActionSchema,
  WeightedCluster_ClusterWeightSchema,
  WeightedClusterSchema,
  type Route,
  type RouteAction,
  type WeightedCluster_ClusterWeight,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { RegexMatchAndSubstituteSchema } from '../../gen/envoy/type/matcher/v3/regex_pb.js';
import { destinationCluster, resolveShortname } from './destination.js';
import { hashPolicyFor } from './hash-policy.js';
import { translateHeadersOperations } from './headers.js';
import { translateMirrors } from './mirror.js';
import { convertRetryPolicy } from './retry.js';
import type { RouteOptions } from './route-options.js';
import { regexMatcher } from './string-match.js';

/**
 * Sets timeout (default 0s = disabled, as istiod does) and its gRPC counterpart: Envoy honours
 * the grpc-timeout header up to max_grpc_timeout; proxyless gRPC only reads max_stream_duration.
 */
export function applyTimeout(
  action: RouteAction,
  timeout: string | undefined,
  grpc: boolean,
): void {
  action.timeout = timeout ? durationFromIstio(timeout) : durationFromNanos(0n);
  if (grpc) {
    action.maxStreamDuration = create(RouteAction_MaxStreamDurationSchema, {
      maxStreamDuration: action.timeout,
    });
  } else {
    action.maxGrpcTimeout = action.timeout;
  }
}

/** A destination with its host resolved in the VirtualService's namespace. */
export function resolveDestination(
  d: Destination,
  vsNamespace: string,
  domainSuffix: string,
): Destination {
  return { ...d, host: resolveShortname(d.host, vsNamespace, domainSuffix) };
}

/**
 * Builds the RouteAction of `route` into `out` (whose route-level header mutations were already
 * set) and returns the action. `authority` is a host rewrite coming from route-level headers.
 */
export function buildRouteAction(
  out: Route,
  route: HTTPRoute,
  vsNamespace: string,
  authority: string,
  opts: RouteOptions,
): RouteAction {
  const suffix = opts.mesh.domainSuffix;
  const clusterFor = (d: Destination): string => {
    const resolved = resolveDestination(d, vsNamespace, suffix);
    return destinationCluster(resolved, opts.lookupService(resolved.host), opts.listenerPort);
  };
  const action = create(RouteActionSchema);
  applyTimeout(action, route.timeout, opts.grpc ?? false);

  let hostRewrite = authority;
  if (route.rewrite) {
    const rr = route.rewrite.uriRegexRewrite;
    if (rr) {
      action.regexRewrite = create(RegexMatchAndSubstituteSchema, {
        pattern: regexMatcher(rr.match ?? ''),
        substitution: rr.rewrite ?? '',
      });
    } else if (route.rewrite.uri) {
      action.prefixRewrite = route.rewrite.uri;
    }
    if (route.rewrite.authority) hostRewrite = route.rewrite.authority;
  }
  if (hostRewrite !== '')
    action.hostRewriteSpecifier = { case: 'hostRewriteLiteral', value: hostRewrite };

  action.requestMirrorPolicies = translateMirrors(route, clusterFor);

  const hashOf = (d: HTTPRouteDestination) =>
    opts.lookupHash?.(resolveDestination(d.destination, vsNamespace, suffix));
  const dests = route.route ?? [];
  let consistentHash = false;
  if (dests.length === 1) {
    const dst = dests[0];
    action.clusterSpecifier = { case: 'cluster', value: clusterFor(dst.destination) };
    if (dst.headers) {
      const ops = translateHeadersOperations(dst.headers);
      out.requestHeadersToAdd.push(...ops.requestHeadersToAdd);
      out.requestHeadersToRemove.push(...ops.requestHeadersToRemove);
      out.responseHeadersToAdd.push(...ops.responseHeadersToAdd);
      out.responseHeadersToRemove.push(...ops.responseHeadersToRemove);
      // A route-level rewrite wins over a destination-level authority.
      if (ops.authority !== '' && action.hostRewriteSpecifier.case === undefined) {
        action.hostRewriteSpecifier = { case: 'hostRewriteLiteral', value: ops.authority };
      }
    }
    const hash = hashOf(dst);
    const hp = hashPolicyFor(hash);
    if (hp) action.hashPolicy.push(hp);
    consistentHash = hash !== undefined;
  } else if (dests.length > 1) {
    const clusters: WeightedCluster_ClusterWeight[] = [];
    for (const dst of dests) {
      // Weight-0 destinations are dropped when there are others.
      if (!dst.weight) continue;
      const cw = create(WeightedCluster_ClusterWeightSchema, {
        name: clusterFor(dst.destination),
        weight: dst.weight,
      });
      if (dst.headers) {
        const ops = translateHeadersOperations(dst.headers);
        cw.requestHeadersToAdd = ops.requestHeadersToAdd;
        cw.requestHeadersToRemove = ops.requestHeadersToRemove;
        cw.responseHeadersToAdd = ops.responseHeadersToAdd;
        cw.responseHeadersToRemove = ops.responseHeadersToRemove;
        if (ops.authority !== '') {
          cw.hostRewriteSpecifier = { case: 'hostRewriteLiteral', value: ops.authority };
        }
      }
      const hp = hashPolicyFor(hashOf(dst));
      if (hp) action.hashPolicy.push(hp);
      clusters.push(cw);
    }
    action.clusterSpecifier = {
      case: 'weightedClusters',
      value: create(WeightedClusterSchema, { clusters }),
    };
  }
  action.retryPolicy = convertRetryPolicy(route.retries, consistentHash);
  return action;
}
