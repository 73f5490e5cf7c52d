// Numeric (all twelve kinds), bool and enum rules.
import type { DescEnum, Message } from '@bufbuild/protobuf';
import type { BoolRules, EnumRules } from '../../gen/validate/validate_pb.js';
import {
  compareBigints,
  compileOrdered,
  hasOrderedRules,
  readOrderedBounds,
} from './ordered-rules.js';
import type { Ordering } from './ordered-rules.js';
import { isRuleSet } from './rule-options.js';
import type { ValueCheck } from './types.js';
import { violation } from './types.js';

const WIDE_KINDS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

const numberOrdering: Ordering<number> = {
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.NaN),
  show: (v) => String(v),
};
const bigintOrdering: Ordering<bigint> = {
  compare: compareBigints,
  show: (v) => String(v),
};

/** 64-bit values arrive as bigint (or as string with jstype=JS_STRING); others as number. */
export function compileNumeric(kind: string, rules: Message): ValueCheck | undefined {
  if (WIDE_KINDS.has(kind)) {
    const toBig = (v: unknown): bigint => BigInt(v as bigint | string | number);
    const bounds = readOrderedBounds(rules, toBig);
    if (!hasOrderedRules(bounds)) return undefined;
    const check = compileOrdered(kind, bounds, bigintOrdering);
    return (value, path, out) => {
      if (typeof value === 'bigint' || typeof value === 'string' || typeof value === 'number') {
        check(toBig(value), path, out);
      }
    };
  }
  const bounds = readOrderedBounds(rules, Number);
  if (!hasOrderedRules(bounds)) return undefined;
  const check = compileOrdered(kind, bounds, numberOrdering);
  return (value, path, out) => {
    if (typeof value === 'number') check(value, path, out);
  };
}

export function compileBool(rules: BoolRules): ValueCheck | undefined {
  if (!isRuleSet(rules, 'const')) return undefined;
  const expected = rules.const;
  return (value, path, out) => {
    if (value !== expected) {
      out.push(violation(path, 'bool.const', `value must equal ${String(expected)}`));
    }
  };
}

export function compileEnum(
  rules: EnumRules,
  enumDesc: DescEnum | undefined,
): ValueCheck | undefined {
  const hasConst = isRuleSet(rules, 'const');
  const defined =
    rules.definedOnly && enumDesc ? new Set(enumDesc.values.map((v) => v.number)) : undefined;
  const allowed = rules.in.length > 0 ? new Set(rules.in) : undefined;
  const denied = rules.notIn.length > 0 ? new Set(rules.notIn) : undefined;
  if (!hasConst && !defined && !allowed && !denied) return undefined;
  return (value, path, out) => {
    if (typeof value !== 'number') return;
    if (hasConst && value !== rules.const) {
      out.push(violation(path, 'enum.const', `value must equal ${rules.const}`));
    }
    if (defined && !defined.has(value)) {
      out.push(
        violation(path, 'enum.defined_only', 'value must be one of the defined enum values'),
      );
    }
    if (allowed && !allowed.has(value)) {
      out.push(violation(path, 'enum.in', `value must be in list [${rules.in.join(', ')}]`));
    }
    if (denied?.has(value)) {
      out.push(
        violation(path, 'enum.not_in', `value must not be in list [${rules.notIn.join(', ')}]`),
      );
    }
  };
}
