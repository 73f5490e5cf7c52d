// A structural OpenAPI v3 validator for Kubernetes CRD schemas. Like `kubectl apply` with strict
// field validation, unknown fields are errors. Each issue carries the field path in the form
// `spec.http[0].route[1].weight`.
import { checkCelRule } from './cel-rules.js';
import type { OpenApiSchema } from './openapi-schema.js';

export interface SchemaIssue {
  field: string;
  message: string;
}

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

const patternCache = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    patternCache.set(pattern, re);
  }
  return re;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function join(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`;
}

/** Validates `value` at `path` against `schema`; returns every problem found (empty = valid). */
export function validateSchema(value: unknown, schema: OpenApiSchema, path: string): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  walk(value, schema, path, issues);
  return issues;
}

function walk(value: unknown, schema: OpenApiSchema, path: string, out: SchemaIssue[]): void {
  if (value === null || value === undefined) {
    // YAML `key:` with nothing after it; Kubernetes drops nulls for non-nullable fields.
    return;
  }
  if (!checkType(value, schema, path, out)) return;

  if (schema.enum && !schema.enum.includes(value)) {
    out.push({
      field: path,
      message: `unsupported value ${describe(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    });
  }
  if (typeof value === 'number') checkNumber(value, schema, path, out);
  if (typeof value === 'string') checkString(value, schema, path, out);
  if (Array.isArray(value)) checkArray(value, schema, path, out);
  if (isPlainObject(value)) checkObject(value, schema, path, out);
  checkCombinators(value, schema, path, out);

  for (const v of schema['x-kubernetes-validations'] ?? []) {
    if (!checkCelRule(v.rule, value)) {
      out.push({ field: path, message: v.message ?? `failed rule: ${v.rule}` });
    }
  }
}

function checkType(
  value: unknown,
  schema: OpenApiSchema,
  path: string,
  out: SchemaIssue[],
): boolean {
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) {
      return true;
    }
    out.push({ field: path, message: `must be an integer or a string, got ${describe(value)}` });
    return false;
  }
  const ok = (() => {
    switch (schema.type) {
      case undefined:
        return true;
      case 'object':
        return isPlainObject(value);
      case 'array':
        return Array.isArray(value);
      case 'string':
        return typeof value === 'string';
      case 'boolean':
        return typeof value === 'boolean';
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'integer':
        return typeof value === 'number' && Number.isInteger(value);
    }
  })();
  if (!ok)
    out.push({ field: path, message: `must be of type ${schema.type}, got ${describe(value)}` });
  return ok;
}

function checkNumber(value: number, schema: OpenApiSchema, path: string, out: SchemaIssue[]): void {
  const range = schema.format ? INT_RANGES[schema.format] : undefined;
  if (range && (value < range[0] || value > range[1])) {
    out.push({ field: path, message: `${value} is out of range for ${schema.format}` });
  }
  if (schema.minimum !== undefined && value < schema.minimum) {
    out.push({
      field: path,
      message: `must be greater than or equal to ${schema.minimum}, got ${value}`,
    });
  }
  if (schema.maximum !== undefined && value > schema.maximum) {
    out.push({
      field: path,
      message: `must be less than or equal to ${schema.maximum}, got ${value}`,
    });
  }
}

function checkString(value: string, schema: OpenApiSchema, path: string, out: SchemaIssue[]): void {
  const len = [...value].length;
  if (schema.minLength !== undefined && len < schema.minLength) {
    out.push({ field: path, message: `must be at least ${schema.minLength} characters long` });
  }
  if (schema.maxLength !== undefined && len > schema.maxLength) {
    out.push({ field: path, message: `may not be longer than ${schema.maxLength} characters` });
  }
  if (schema.pattern !== undefined && !compiled(schema.pattern).test(value)) {
    out.push({
      field: path,
      message: `${JSON.stringify(value)} does not match pattern ${schema.pattern}`,
    });
  }
}

function checkArray(
  value: unknown[],
  schema: OpenApiSchema,
  path: string,
  out: SchemaIssue[],
): void {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    out.push({ field: path, message: `must have at least ${schema.minItems} items` });
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    out.push({
      field: path,
      message: `must have at most ${schema.maxItems} items, got ${value.length}`,
    });
  }
  if (schema.items) {
    value.forEach((item, i) => walk(item, schema.items as OpenApiSchema, `${path}[${i}]`, out));
  }
}

function checkObject(
  value: Record<string, unknown>,
  schema: OpenApiSchema,
  path: string,
  out: SchemaIssue[],
): void {
  const keys = Object.keys(value);
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
    out.push({ field: path, message: `must have at least ${schema.minProperties} entries` });
  }
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    out.push({ field: path, message: `must have at most ${schema.maxProperties} entries` });
  }
  for (const req of schema.required ?? []) {
    if (value[req] === undefined || value[req] === null) {
      out.push({ field: join(path, req), message: 'Required value' });
    }
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of keys) {
    const child = join(path, key);
    const prop = schema.properties?.[key];
    if (prop) {
      walk(value[key], prop, child, out);
    } else if (typeof schema.additionalProperties === 'object') {
      walk(value[key], schema.additionalProperties, child, out);
    } else if (schema.additionalProperties === true || preserve) {
      continue;
    } else if (schema.properties || schema.additionalProperties === false) {
      out.push({ field: child, message: 'unknown field' });
    }
  }
}

/** Istio expresses "at most one of these fields" as oneOf/anyOf/not over `required` sets. */
function checkCombinators(
  value: unknown,
  schema: OpenApiSchema,
  path: string,
  out: SchemaIssue[],
): void {
  const matches = (s: OpenApiSchema): boolean => validateSchema(value, s, path).length === 0;
  if (schema.oneOf) {
    const n = schema.oneOf.filter(matches).length;
    if (n !== 1)
      out.push({ field: path, message: exclusiveMessage(value, schema.oneOf, 'exactly one of') });
  }
  if (schema.anyOf && !schema.anyOf.some(matches)) {
    out.push({ field: path, message: exclusiveMessage(value, schema.anyOf, 'at least one of') });
  }
  for (const s of schema.allOf ?? []) {
    walk(value, s, path, out);
  }
  if (schema.not && matches(schema.not)) {
    out.push({ field: path, message: 'must not match a forbidden combination of fields' });
  }
}

function requiredNames(schemas: OpenApiSchema[]): string[] {
  const names = new Set<string>();
  const visit = (s: OpenApiSchema): void => {
    s.required?.forEach((r) => names.add(r));
    s.anyOf?.forEach(visit);
    s.oneOf?.forEach(visit);
    if (s.not) visit(s.not);
  };
  schemas.forEach(visit);
  return [...names];
}

function exclusiveMessage(value: unknown, branches: OpenApiSchema[], what: string): string {
  const names = requiredNames(branches);
  if (names.length === 0 || !isPlainObject(value)) return `must match ${what} the allowed schemas`;
  const set = names.filter((n) => value[n] !== undefined);
  const optional = branches.some((b) => b.not !== undefined);
  if (optional && set.length > 1) {
    return `only one of ${names.join(', ')} may be set (found ${set.join(', ')})`;
  }
  return `${what} ${names.join(', ')} must be set${set.length ? ` (found ${set.join(', ')})` : ''}`;
}
