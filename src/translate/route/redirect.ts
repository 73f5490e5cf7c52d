// Istio HTTPRedirect / HTTPDirectResponse → Envoy route actions (istio ApplyRedirect,
// ApplyDirectResponse).
import { create } from '@bufbuild/protobuf';

import { DataSourceSchema } from '../../gen/envoy/config/core/v3/base_pb.js';
import type { HTTPDirectResponse, HTTPRedirect } from '../../model/istio-types.js';
import {
  DirectResponseActionSchema,
  RedirectAction_RedirectResponseCode,
  RedirectActionSchema,
  type DirectResponseAction,
  type RedirectAction,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';

const REDIRECT_CODES: Readonly<Record<number, RedirectAction_RedirectResponseCode>> = {
  0: RedirectAction_RedirectResponseCode.MOVED_PERMANENTLY,
  301: RedirectAction_RedirectResponseCode.MOVED_PERMANENTLY,
  302: RedirectAction_RedirectResponseCode.FOUND,
  303: RedirectAction_RedirectResponseCode.SEE_OTHER,
  307: RedirectAction_RedirectResponseCode.TEMPORARY_REDIRECT,
  308: RedirectAction_RedirectResponseCode.PERMANENT_REDIRECT,
};

/**
 * Undefined for a redirect code Envoy cannot express: istiod then emits the route with no
 * action at all, which the caller mirrors by dropping the action.
 */
export function translateRedirect(
  redirect: HTTPRedirect,
  listenerPort: number,
  isTls: boolean,
): RedirectAction | undefined {
  const code = REDIRECT_CODES[redirect.redirectCode ?? 0];
  if (code === undefined) return undefined;
  const out = create(RedirectActionSchema, {
    hostRedirect: redirect.authority ?? '',
    pathRewriteSpecifier: { case: 'pathRedirect', value: redirect.uri ?? '' },
    responseCode: code,
  });
  if (redirect.scheme)
    out.schemeRewriteSpecifier = { case: 'schemeRedirect', value: redirect.scheme };
  const hasPort = redirect.port !== undefined || redirect.derivePort !== undefined;
  if (hasPort) {
    if (redirect.port !== undefined) out.portRedirect = redirect.port;
    // Envoy cannot derive the port per request, but routes are built per listener port.
    else if (redirect.derivePort === 'FROM_REQUEST_PORT') out.portRedirect = listenerPort;
    const scheme = redirect.scheme || (isTls ? 'https' : 'http');
    // No explicit default port for the scheme.
    if (
      (out.portRedirect === 80 && scheme === 'http') ||
      (out.portRedirect === 443 && scheme === 'https')
    ) {
      out.portRedirect = 0;
    }
  }
  return out;
}

export function translateDirectResponse(dr: HTTPDirectResponse): DirectResponseAction {
  const out = create(DirectResponseActionSchema, { status: dr.status });
  if (dr.body?.string !== undefined) {
    out.body = create(DataSourceSchema, {
      specifier: { case: 'inlineString', value: dr.body.string },
    });
  } else if (dr.body?.bytes !== undefined) {
    out.body = create(DataSourceSchema, {
      specifier: {
        case: 'inlineBytes',
        value: Uint8Array.from(Buffer.from(dr.body.bytes, 'base64')),
      },
    });
  }
  return out;
}
