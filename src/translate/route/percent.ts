// Istio percentages → Envoy FractionalPercent, encoded exactly as istiod does: a `Percent`
// (double) becomes value*10000 per MILLION, a legacy integer percent becomes N per HUNDRED.
import { create } from '@bufbuild/protobuf';

import {
  FractionalPercent_DenominatorType,
  FractionalPercentSchema,
  type FractionalPercent,
} from '../../gen/envoy/type/v3/percent_pb.js';

export function fractionFromPercent(value: number): FractionalPercent {
  return create(FractionalPercentSchema, {
    // Go's uint32(float) truncates; Math.trunc keeps 33.3 → 333000.
    numerator: Math.trunc(value * 10000),
    denominator: FractionalPercent_DenominatorType.MILLION,
  });
}

export function fractionFromInteger(value: number): FractionalPercent {
  return create(FractionalPercentSchema, {
    numerator: Math.trunc(value),
    denominator: FractionalPercent_DenominatorType.HUNDRED,
  });
}
