// Which TrafficPolicy applies to one cluster (Istio's GetPortLevelTrafficPolicy +
// MergeTrafficPolicy): top level → port level → subset → subset port level. Each block
// (connectionPool, loadBalancer, outlierDetection, tls) is replaced as a whole by the more specific
// level when that level sets it; blocks are never merged field by field.
import type { PortTrafficPolicy, TrafficPolicy } from '../../model/istio-types.js';

type Blocks = Pick<TrafficPolicy, 'connectionPool' | 'loadBalancer' | 'outlierDetection' | 'tls'>;

function portSettingsFor(
  policy: TrafficPolicy | undefined,
  port: number,
): PortTrafficPolicy | undefined {
  return policy?.portLevelSettings?.find((p) => p.port?.number === port);
}

function overlay(base: Blocks | undefined, top: Blocks | undefined): TrafficPolicy | undefined {
  if (base === undefined && top === undefined) return undefined;
  const out: TrafficPolicy = {};
  const pick = <K extends keyof Blocks>(k: K): void => {
    const v = top?.[k] ?? base?.[k];
    if (v !== undefined) out[k] = v;
  };
  pick('connectionPool');
  pick('loadBalancer');
  pick('outlierDetection');
  pick('tls');
  return out;
}

/** The DestinationRule's top-level policy with its settings for `port` applied (no portLevelSettings left). */
export function portTrafficPolicy(
  policy: TrafficPolicy | undefined,
  port: number,
): TrafficPolicy | undefined {
  if (policy === undefined) return undefined;
  return overlay(policy, portSettingsFor(policy, port));
}

/** The policy of one subset cluster: the port-resolved DR policy overlaid by the subset's own. */
export function subsetTrafficPolicy(
  portPolicy: TrafficPolicy | undefined,
  subsetPolicy: TrafficPolicy | undefined,
  port: number,
): TrafficPolicy | undefined {
  if (subsetPolicy === undefined) return portPolicy;
  const merged = overlay(portPolicy, subsetPolicy);
  return overlay(merged, portSettingsFor(subsetPolicy, port));
}
