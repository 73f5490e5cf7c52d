// AuthorizationPolicy rules (a subset of istio ValidateAuthorizationPolicy): CUSTOM needs a
// provider and only CUSTOM may have one; `when` conditions need values.
import type { AuthorizationPolicySpec } from '../../istio-types.js';
import { Issues } from './issue.js';

export function validateAuthorizationPolicy(
  spec: AuthorizationPolicySpec,
  _namespace: string,
): Issues {
  const is = new Issues();
  const action = spec.action ?? 'ALLOW';
  if (action === 'CUSTOM' && !spec.provider?.name)
    is.err('spec.provider', 'must specify provider when using CUSTOM action');
  if (action !== 'CUSTOM' && spec.provider)
    is.err('spec.provider', 'provider is only allowed with CUSTOM action');
  spec.rules?.forEach((r, i) =>
    r.when?.forEach((w, j) => {
      if (!w.values?.length && !w.notValues?.length) {
        is.err(
          `spec.rules[${i}].when[${j}]`,
          `condition for ${w.key} must have at least one value or notValue`,
        );
      }
    }),
  );
  return is;
}
