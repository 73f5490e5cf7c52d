// Contract of the protoc-gen-validate (PGV) checker.

/** One broken rule. `path` uses proto field names: `virtual_hosts[0].routes[2].route.cluster`. */
export interface PgvViolation {
  path: string;
  /** The PGV rule that failed, e.g. `string.min_len`, `repeated.min_items`, `oneof.required`. */
  rule: string;
  message: string;
}

/** A compiled check of one value (a field value, a list item, a map key or value). */
export type ValueCheck = (value: unknown, path: string, out: PgvViolation[]) => void;

export function violation(path: string, rule: string, message: string): PgvViolation {
  return { path, rule, message };
}
