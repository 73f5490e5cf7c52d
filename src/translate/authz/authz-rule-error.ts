// Raised when one condition of an AuthorizationPolicy rule cannot be expressed for the filter
// being built (an HTTP-only field on a TCP chain, an unparsable IP or port, an unsupported key).
// What happens next depends on the action, as in istiod: ALLOW drops the whole rule (a
// narrower allow), DENY and AUDIT drop only that value (a wider deny).
export class AuthzRuleError extends Error {
  override readonly name = 'AuthzRuleError';
}
