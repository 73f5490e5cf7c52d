// Istio HTTPFaultInjection → envoy.filters.http.fault HTTPFault, placed in the route's
// typed_per_filter_config (istio route.go TranslateFault).
import { create } from '@bufbuild/protobuf';

import type { HTTPFaultInjection } from '../../model/istio-types.js';
import { durationFromIstio } from '../common/duration.js';
import { FaultDelaySchema } from '../../gen/envoy/extensions/filters/common/fault/v3/fault_pb.js';
import {
  FaultAbortSchema,
  HTTPFaultSchema,
  type HTTPFault,
} from '../../gen/envoy/extensions/filters/http/fault/v3/fault_pb.js';
import { fractionFromInteger, fractionFromPercent } from './percent.js';

export const FAULT_FILTER = 'envoy.filters.http.fault';

/** gRPC status names Istio accepts for abort.grpcStatus, with their codes. */
export const GRPC_STATUS_CODES: Readonly<Record<string, number>> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

/** Undefined when neither a usable delay nor abort is configured. */
export function translateFault(fault: HTTPFaultInjection | undefined): HTTPFault | undefined {
  if (!fault) return undefined;
  const out = create(HTTPFaultSchema);
  const d = fault.delay;
  // Only fixed delays exist in Envoy; Istio drops other delay kinds.
  if (d?.fixedDelay) {
    out.delay = create(FaultDelaySchema, {
      percentage:
        d.percentage !== undefined
          ? fractionFromPercent(d.percentage.value ?? 0)
          : fractionFromInteger(d.percent ?? 0),
      faultDelaySecifier: { case: 'fixedDelay', value: durationFromIstio(d.fixedDelay) },
    });
  }
  const a = fault.abort;
  if (a) {
    const abort = create(FaultAbortSchema, {
      percentage: a.percentage ? fractionFromPercent(a.percentage.value ?? 0) : undefined,
    });
    if (a.httpStatus !== undefined) abort.errorType = { case: 'httpStatus', value: a.httpStatus };
    else if (a.grpcStatus !== undefined && a.grpcStatus in GRPC_STATUS_CODES) {
      abort.errorType = { case: 'grpcStatus', value: GRPC_STATUS_CODES[a.grpcStatus] };
    }
    if (abort.errorType.case !== undefined) out.abort = abort;
  }
  return out.delay || out.abort ? out : undefined;
}
