// VirtualService http[] → Envoy routes for one listener port and one set of gateway names
// (istio BuildHTTPRoutesForVirtualService / translateRoute). First match wins: each match block
// becomes its own Envoy route, in order, and translation stops after a catch-all.
import { anyPack } from '@bufbuild/protobuf/wkt';
import { create } from '@bufbuild/protobuf';

import type { ConfigResource } from '../../model/config.js';
import type { HTTPMatchRequest, HTTPRoute, VirtualServiceSpec } from '../../model/istio-types.js';
import { parseSubsetKey } from '../common/cluster-name.js';
import {
  DecoratorSchema,
  RouteSchema,
  type Route,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { CorsPolicySchema } from '../../gen/envoy/extensions/filters/http/cors/v3/cors_pb.js';
import { HTTPFaultSchema } from '../../gen/envoy/extensions/filters/http/fault/v3/fault_pb.js';
import { configMetadata } from './config-metadata.js';
import { CORS_FILTER, translateCorsPolicy } from './cors.js';
import { resolveGatewayName } from './destination.js';
import { FAULT_FILTER, translateFault } from './fault.js';
import { translateHeadersOperations } from './headers.js';
import { buildRouteAction } from './route-action.js';
import { isCatchAllRoute, portMatches, sourceMatches, translateRouteMatch } from './route-match.js';
import type { RouteOptions } from './route-options.js';
import { translateDirectResponse, translateRedirect } from './redirect.js';

/** Trace operation shown by Envoy: `host:port/path*` for one cluster, else `vs:port/path*`. */
function routeOperation(r: Route, vsName: string, port: number): string {
  let path = '/*';
  const ps = r.match?.pathSpecifier;
  if (ps?.case === 'prefix') path = `${ps.value}*`;
  else if (ps?.case === 'path') path = ps.value;
  else if (ps?.case === 'safeRegex') path = ps.value.regex;
  const cluster =
    r.action.case === 'route' && r.action.value.clusterSpecifier.case === 'cluster'
      ? parseSubsetKey(r.action.value.clusterSpecifier.value)
      : undefined;
  if (cluster) return `${cluster.host}:${cluster.port}${path}`;
  return `${vsName}:${port}${path}`;
}

/** One Envoy route for one (http route, match block), or undefined when the block does not apply. */
export function translateRoute(
  vs: ConfigResource<VirtualServiceSpec>,
  http: HTTPRoute,
  match: HTTPMatchRequest | undefined,
  opts: RouteOptions,
): Route | undefined {
  if (!portMatches(match, opts.listenerPort)) return undefined;
  const ns = vs.metadata.namespace;
  const gateways = (match?.gateways ?? []).map((g) => resolveGatewayName(g, ns));
  if (!sourceMatches(match, gateways, opts.proxy.labels, opts.proxy.namespace, opts.gatewayNames)) {
    return undefined;
  }
  const name = match?.name ? `${http.name ?? ''}.${match.name}` : (http.name ?? '');
  const out = create(RouteSchema, {
    name,
    match: translateRouteMatch(match),
    metadata: configMetadata(vs),
    statPrefix: match?.statPrefix ?? '',
  });

  let authority = '';
  if (http.headers) {
    const ops = translateHeadersOperations(http.headers);
    out.requestHeadersToAdd = ops.requestHeadersToAdd;
    out.responseHeadersToAdd = ops.responseHeadersToAdd;
    out.requestHeadersToRemove = ops.requestHeadersToRemove;
    out.responseHeadersToRemove = ops.responseHeadersToRemove;
    authority = ops.authority;
  }

  if (http.redirect) {
    // Proxyless gRPC NACKs redirect routes, so they are not sent to it.
    if (opts.grpc) return undefined;
    const redirect = translateRedirect(http.redirect, opts.listenerPort, opts.isTls ?? false);
    if (redirect) out.action = { case: 'redirect', value: redirect };
  } else if (http.directResponse) {
    out.action = { case: 'directResponse', value: translateDirectResponse(http.directResponse) };
  } else {
    out.action = { case: 'route', value: buildRouteAction(out, http, ns, authority, opts) };
  }

  out.decorator = create(DecoratorSchema, {
    operation: routeOperation(out, vs.metadata.name, opts.listenerPort),
  });
  const fault = translateFault(http.fault);
  if (fault) out.typedPerFilterConfig[FAULT_FILTER] = anyPack(HTTPFaultSchema, fault);
  if (http.corsPolicy && !opts.grpc) {
    out.typedPerFilterConfig[CORS_FILTER] = anyPack(
      CorsPolicySchema,
      translateCorsPolicy(http.corsPolicy),
    );
  }
  return out;
}

/**
 * All Envoy routes of a VirtualService for these options; empty when no block applies (istiod
 * then builds no virtual host from this VirtualService).
 */
export function buildHttpRoutesForVirtualService(
  vs: ConfigResource<VirtualServiceSpec>,
  opts: RouteOptions,
): Route[] {
  const out: Route[] = [];
  for (const http of vs.spec.http ?? []) {
    let catchAll = false;
    if (!http.match || http.match.length === 0) {
      const r = translateRoute(vs, http, undefined, opts);
      if (r) out.push(r);
      catchAll = true;
    } else {
      for (const m of http.match) {
        const r = translateRoute(vs, http, m, opts);
        if (!r) continue;
        out.push(r);
        // Nothing after a catch-all can ever match.
        if (isCatchAllRoute(r)) {
          catchAll = true;
          break;
        }
      }
    }
    if (catchAll) break;
  }
  return out;
}
