// Compiles one field's PGV rules (plus whether its nested messages need walking) into a
// runner that reads the field straight off a protobuf-es message object. Field values follow
// protobuf-es v2 shapes: oneof members live in `{ case, value }`, singular wrapper fields are
// unboxed, maps are plain objects keyed by the key's string form, 64-bit ints are bigint.
import { ScalarType } from '@bufbuild/protobuf';
import type { DescField, DescMessage, Message } from '@bufbuild/protobuf';
import type { FieldRules, MapRules, RepeatedRules } from '../../gen/validate/validate_pb.js';
import { fieldRules, isRuleSet } from './rule-options.js';
import type { PgvViolation, ValueCheck } from './types.js';
import { violation } from './types.js';
import { compileValueRules, isWrapperTypeName, requiredRuleOf } from './value-rules.js';

export type MessageObject = Record<string, unknown>;
export type FieldRunner = (message: MessageObject, path: string, out: PgvViolation[]) => void;

/** Recursion hooks, injected to keep this file free of the walker (they are mutually recursive). */
export interface NestedWalker {
  walk(desc: DescMessage, message: Message, path: string, out: PgvViolation[]): void;
  needsWalk(desc: DescMessage): boolean;
}

const IMPLICIT_PRESENCE = 2; // google.protobuf.FeatureSet.FieldPresence.IMPLICIT

const join = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);

/** The value of a field, or undefined when a oneof member is not the selected case. */
function readField(message: MessageObject, field: DescField): unknown {
  if (field.oneof) {
    const group = message[field.oneof.localName] as { case: string | undefined; value?: unknown };
    return group.case === field.localName ? group.value : undefined;
  }
  return message[field.localName];
}

export function compileField(field: DescField, nested: NestedWalker): FieldRunner | undefined {
  const rules = fieldRules(field);
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum':
      return rules ? compileScalarField(field, rules) : undefined;
    case 'message':
      return compileMessageField(field, field.message, rules, nested);
    case 'list':
      return compileListField(field, rules, nested);
    case 'map':
      return compileMapField(field, rules, nested);
  }
}

function compileScalarField(field: DescField, rules: FieldRules): FieldRunner | undefined {
  const check = compileValueRules(rules, field.enum);
  if (!check) return undefined;
  const explicit = field.presence !== IMPLICIT_PRESENCE && !field.oneof;
  const { localName, name } = field;
  return (message, path, out) => {
    // Proto3 implicit fields are checked even at their zero value (so "" fails min_len);
    // fields with explicit presence, and oneof members, only when set.
    if (explicit && !Object.prototype.hasOwnProperty.call(message, localName)) return;
    const value = readField(message, field);
    if (value === undefined) return;
    check(value, join(path, name), out);
  };
}

function compileMessageField(
  field: DescField,
  type: DescMessage,
  rules: FieldRules | undefined,
  nested: NestedWalker,
): FieldRunner | undefined {
  const requiredRule = field.oneof ? undefined : requiredRuleOf(rules);
  const check = rules ? compileValueRules(rules, undefined) : undefined;
  const recurse =
    !rules?.message?.skip && !isWrapperTypeName(type.typeName) && nested.needsWalk(type);
  if (!requiredRule && !check && !recurse) return undefined;
  const { name } = field;
  return (message, path, out) => {
    const value = readField(message, field);
    if (value === undefined) {
      if (requiredRule) out.push(violation(join(path, name), requiredRule, 'value is required'));
      return;
    }
    const p = join(path, name);
    check?.(value, p, out);
    if (recurse) nested.walk(type, value as Message, p, out);
  };
}

function uniqueKey(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (typeof value === 'bigint') return `${value}n`;
  return value;
}

function compileListField(
  field: DescField & { fieldKind: 'list' },
  rules: FieldRules | undefined,
  nested: NestedWalker,
): FieldRunner | undefined {
  const rep: RepeatedRules | undefined =
    rules?.type.case === 'repeated' ? rules.type.value : undefined;
  const min = rep && isRuleSet(rep, 'minItems') ? Number(rep.minItems) : undefined;
  const max = rep && isRuleSet(rep, 'maxItems') ? Number(rep.maxItems) : undefined;
  const unique = rep?.unique === true;
  const ignoreEmpty = rep !== undefined && Reflect.get(rep, 'ignoreEmpty') === true;
  const items = rep?.items;
  const itemCheck: ValueCheck | undefined = items
    ? compileValueRules(items, field.enum)
    : undefined;
  const type = field.listKind === 'message' ? field.message : undefined;
  const recurse =
    type !== undefined &&
    !items?.message?.skip &&
    !isWrapperTypeName(type.typeName) &&
    nested.needsWalk(type);
  if (min === undefined && max === undefined && !unique && !itemCheck && !recurse) return undefined;
  const { localName, name } = field;
  return (message, path, out) => {
    const list = message[localName] as unknown[];
    if (ignoreEmpty && list.length === 0) return;
    const p = join(path, name);
    if (min !== undefined && list.length < min) {
      out.push(violation(p, 'repeated.min_items', `value must contain at least ${min} item(s)`));
    }
    if (max !== undefined && list.length > max) {
      out.push(
        violation(p, 'repeated.max_items', `value must contain no more than ${max} item(s)`),
      );
    }
    if (unique && new Set(list.map(uniqueKey)).size !== list.length) {
      out.push(violation(p, 'repeated.unique', 'repeated value must contain unique items'));
    }
    if (!itemCheck && !recurse) return;
    for (let i = 0; i < list.length; i++) {
      const ip = `${p}[${i}]`;
      const item = list[i];
      itemCheck?.(item, ip, out);
      if (recurse && type) nested.walk(type, item as Message, ip, out);
    }
  };
}

const WIDE_KEYS = new Set<ScalarType>([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/** protobuf-es keys maps by the key's string form; rules compare typed keys. */
function keyDecoder(keyType: ScalarType): (key: string) => unknown {
  if (keyType === ScalarType.STRING) return (k) => k;
  if (keyType === ScalarType.BOOL) return (k) => k === 'true';
  if (WIDE_KEYS.has(keyType)) return (k) => BigInt(k);
  return Number;
}

function compileMapField(
  field: DescField & { fieldKind: 'map' },
  rules: FieldRules | undefined,
  nested: NestedWalker,
): FieldRunner | undefined {
  const map: MapRules | undefined = rules?.type.case === 'map' ? rules.type.value : undefined;
  const min = map && isRuleSet(map, 'minPairs') ? Number(map.minPairs) : undefined;
  const max = map && isRuleSet(map, 'maxPairs') ? Number(map.maxPairs) : undefined;
  const noSparse = map?.noSparse === true;
  const ignoreEmpty = map !== undefined && Reflect.get(map, 'ignoreEmpty') === true;
  const keyCheck = map?.keys ? compileValueRules(map.keys, undefined) : undefined;
  const valueCheck = map?.values ? compileValueRules(map.values, field.enum) : undefined;
  const type = field.mapKind === 'message' ? field.message : undefined;
  const recurse =
    type !== undefined &&
    !map?.values?.message?.skip &&
    !isWrapperTypeName(type.typeName) &&
    nested.needsWalk(type);
  if (min === undefined && max === undefined && !noSparse && !keyCheck && !valueCheck && !recurse) {
    return undefined;
  }
  const decodeKey = keyDecoder(field.mapKey);
  const quoteKey = field.mapKey === ScalarType.STRING;
  const { localName, name } = field;
  return (message, path, out) => {
    const entries = message[localName] as Record<string, unknown>;
    const keys = Object.keys(entries);
    if (ignoreEmpty && keys.length === 0) return;
    const p = join(path, name);
    if (min !== undefined && keys.length < min) {
      out.push(violation(p, 'map.min_pairs', `value must contain at least ${min} pair(s)`));
    }
    if (max !== undefined && keys.length > max) {
      out.push(violation(p, 'map.max_pairs', `value must contain no more than ${max} pair(s)`));
    }
    if (!noSparse && !keyCheck && !valueCheck && !recurse) return;
    for (const key of keys) {
      const kp = `${p}[${quoteKey ? JSON.stringify(key) : key}]`;
      const value = entries[key];
      if (value === undefined || value === null) {
        if (noSparse) out.push(violation(kp, 'map.no_sparse', 'map values cannot be unset'));
        continue;
      }
      keyCheck?.(decodeKey(key), kp, out);
      valueCheck?.(value, kp, out);
      if (recurse && type) nested.walk(type, value as Message, kp, out);
    }
  };
}
