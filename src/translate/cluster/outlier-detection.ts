// DestinationRule outlierDetection → Envoy OutlierDetection (Istio's applyOutlierDetection).
// Istio always disables success-rate ejection and, whenever outlier detection is on, sets
// healthy_panic_threshold (0 unless minHealthPercent says otherwise) so few-pod services do not
// fall into Envoy's panic mode.
import { create } from '@bufbuild/protobuf';

import { OutlierDetectionSchema } from '../../gen/envoy/config/cluster/v3/outlier_detection_pb.js';
import {
  Cluster_CommonLbConfigSchema,
  type Cluster,
} from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { PercentSchema } from '../../gen/envoy/type/v3/percent_pb.js';
import type { OutlierDetection } from '../../model/istio-types.js';
import { durationFromIstio } from '../common/duration.js';

export function applyOutlierDetection(c: Cluster, outlier: OutlierDetection | undefined): void {
  if (outlier === undefined) return;
  const out = create(OutlierDetectionSchema, { enforcingSuccessRate: 0 });
  // `consecutiveErrors` is the deprecated spelling of consecutive5xxErrors.
  const fiveXx = outlier.consecutive5xxErrors ?? outlier.consecutiveErrors;
  if (fiveXx !== undefined) {
    out.consecutive5xx = fiveXx;
    out.enforcingConsecutive5xx = fiveXx > 0 ? 100 : 0;
  }
  if (outlier.consecutiveGatewayErrors !== undefined) {
    out.consecutiveGatewayFailure = outlier.consecutiveGatewayErrors;
    out.enforcingConsecutiveGatewayFailure = outlier.consecutiveGatewayErrors > 0 ? 100 : 0;
  }
  if (outlier.interval !== undefined) out.interval = durationFromIstio(outlier.interval);
  if (outlier.baseEjectionTime !== undefined)
    out.baseEjectionTime = durationFromIstio(outlier.baseEjectionTime);
  if ((outlier.maxEjectionPercent ?? 0) > 0) out.maxEjectionPercent = outlier.maxEjectionPercent;
  if (outlier.splitExternalLocalOriginErrors === true) {
    out.splitExternalLocalOriginErrors = true;
    if ((outlier.consecutiveLocalOriginFailures ?? 0) > 0) {
      out.consecutiveLocalOriginFailure = outlier.consecutiveLocalOriginFailures;
      out.enforcingConsecutiveLocalOriginFailure = 100;
    }
    out.enforcingLocalOriginSuccessRate = 0;
  }
  c.outlierDetection = out;
  const minHealth = outlier.minHealthPercent ?? 0;
  if (minHealth >= 0) {
    c.commonLbConfig ??= create(Cluster_CommonLbConfigSchema, {});
    c.commonLbConfig.healthyPanicThreshold = create(PercentSchema, { value: minHealth });
  }
}
