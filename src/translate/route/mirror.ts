// Istio mirror / mirrors / mirrorPercentage → Envoy request_mirror_policies (istio
// MirrorPercent, MirrorPercentByPolicy, TranslateRequestMirrorPolicy).
import { create } from '@bufbuild/protobuf';

import type { Destination, HTTPRoute } from '../../model/istio-types.js';
import {
  RouteAction_RequestMirrorPolicySchema,
  type RouteAction_RequestMirrorPolicy,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import type { FractionalPercent } from '../../gen/envoy/type/v3/percent_pb.js';
import { fractionFromInteger, fractionFromPercent } from './percent.js';

/** Undefined when mirroring is explicitly set to 0%. The default is 100 per HUNDRED. */
function legacyMirrorFraction(route: HTTPRoute): FractionalPercent | undefined {
  if (route.mirrorPercentage !== undefined) {
    const v = route.mirrorPercentage.value ?? 0;
    return v > 0 ? fractionFromPercent(v) : undefined;
  }
  if (route.mirrorPercent !== undefined) {
    return route.mirrorPercent > 0 ? fractionFromInteger(route.mirrorPercent) : undefined;
  }
  return fractionFromInteger(100);
}

function mirrorPolicy(
  cluster: string,
  fraction: FractionalPercent,
): RouteAction_RequestMirrorPolicy {
  return create(RouteAction_RequestMirrorPolicySchema, {
    cluster,
    runtimeFraction: { defaultValue: fraction },
    traceSampled: false,
    // Istio ≥1.28 keeps the mirrored Host as is instead of Envoy's `-shadow` suffix.
    disableShadowHostSuffixAppend: true,
  });
}

/** `clusterFor` names the cluster of a (resolved) mirror destination. */
export function translateMirrors(
  route: HTTPRoute,
  clusterFor: (d: Destination) => string,
): RouteAction_RequestMirrorPolicy[] {
  const out: RouteAction_RequestMirrorPolicy[] = [];
  if (route.mirror) {
    const fraction = legacyMirrorFraction(route);
    if (fraction) out.push(mirrorPolicy(clusterFor(route.mirror), fraction));
  }
  for (const m of route.mirrors ?? []) {
    if (!m.destination) continue;
    let fraction: FractionalPercent | undefined = fractionFromInteger(100);
    if (m.percentage !== undefined) {
      const v = m.percentage.value ?? 0;
      fraction = v > 0 ? fractionFromPercent(v) : undefined;
    }
    if (fraction) out.push(mirrorPolicy(clusterFor(m.destination), fraction));
  }
  return out;
}
