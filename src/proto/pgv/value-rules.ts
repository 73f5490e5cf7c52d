// Compiles the type-specific part of a FieldRules (everything except `message`, `repeated`
// and `map`, which the field plan handles) into one check of a single value.
import type { DescEnum } from '@bufbuild/protobuf';
import type { AnyRules, FieldRules } from '../../gen/validate/validate_pb.js';
import { compileBytes } from './bytes-rules.js';
import { compileBool, compileEnum, compileNumeric } from './scalar-rules.js';
import { compileString } from './string-rules.js';
import { compileDuration, compileTimestamp } from './time-rules.js';
import type { ValueCheck } from './types.js';
import { violation } from './types.js';

const WRAPPER_TYPES = new Set([
  'google.protobuf.DoubleValue',
  'google.protobuf.FloatValue',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue',
  'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
]);

export const isWrapperTypeName = (typeName: string): boolean => WRAPPER_TYPES.has(typeName);

/**
 * Scalar rules on a wrapper field (`UInt32Value x [(validate.rules).uint32.gt = 0]`) apply to
 * the wrapped value. protobuf-es unboxes singular wrapper fields, but not wrappers in lists,
 * maps or oneofs, so both shapes are accepted.
 */
function unwrap(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    const typeName: unknown = Reflect.get(value, '$typeName');
    if (typeof typeName === 'string' && WRAPPER_TYPES.has(typeName))
      return Reflect.get(value, 'value');
  }
  return value;
}

function compileAny(rules: AnyRules): ValueCheck | undefined {
  const allowed = rules.in.length > 0 ? new Set(rules.in) : undefined;
  const denied = rules.notIn.length > 0 ? new Set(rules.notIn) : undefined;
  if (!allowed && !denied) return undefined;
  return (value, path, out) => {
    if (typeof value !== 'object' || value === null) return;
    const typeUrl: unknown = Reflect.get(value, 'typeUrl');
    if (typeof typeUrl !== 'string') return;
    if (allowed && !allowed.has(typeUrl)) {
      out.push(violation(path, 'any.in', `type URL must be in list ${JSON.stringify(rules.in)}`));
    }
    if (denied?.has(typeUrl)) {
      out.push(
        violation(
          path,
          'any.not_in',
          `type URL must not be in list ${JSON.stringify(rules.notIn)}`,
        ),
      );
    }
  };
}

function compileTyped(rules: FieldRules, enumDesc: DescEnum | undefined): ValueCheck | undefined {
  const t = rules.type;
  switch (t.case) {
    case 'string':
      return compileString(t.value);
    case 'bytes':
      return compileBytes(t.value);
    case 'bool':
      return compileBool(t.value);
    case 'enum':
      return compileEnum(t.value, enumDesc);
    case 'duration':
      return compileDuration(t.value);
    case 'timestamp':
      return compileTimestamp(t.value);
    case 'any':
      return compileAny(t.value);
    case 'repeated':
    case 'map':
    case undefined:
      return undefined;
    default:
      return compileNumeric(t.case, t.value);
  }
}

export function compileValueRules(
  rules: FieldRules,
  enumDesc: DescEnum | undefined,
): ValueCheck | undefined {
  const check = compileTyped(rules, enumDesc);
  if (!check) return undefined;
  return (value, path, out) => check(unwrap(value), path, out);
}

/** The `required` flag of whichever rule family carries one (message, duration, timestamp, any). */
export function requiredRuleOf(rules: FieldRules | undefined): string | undefined {
  if (!rules) return undefined;
  if (rules.message?.required) return 'message.required';
  const t = rules.type;
  if ((t.case === 'duration' || t.case === 'timestamp' || t.case === 'any') && t.value.required) {
    return `${t.case}.required`;
  }
  return undefined;
}
