// The rules shared by every ordered type (numbers, durations, timestamps): const, lt, lte, gt,
// gte, in, not_in. Ranges follow PGV: with both bounds, `lt > gt` means "inside (gt, lt)",
// while `lt <= gt` means "outside [lt, gt]" (an exclusive range). A violated one-sided or
// inside-range bound is reported under its own rule name (`uint32.gte`); a violated exclusive
// range names both bounds (`int32.lt_gt`).
import type { Message } from '@bufbuild/protobuf';
import { ruleValue } from './rule-options.js';
import type { PgvViolation } from './types.js';
import { violation } from './types.js';

export interface OrderedBounds<T> {
  const?: T;
  lt?: T;
  lte?: T;
  gt?: T;
  gte?: T;
  in: readonly T[];
  notIn: readonly T[];
}

export interface Ordering<T> {
  compare(a: T, b: T): number;
  show(value: T): string;
}

/** Total order of bigints (64-bit integers, durations and timestamps as nanoseconds). */
export const compareBigints = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Reads the ordered rules of a PGV rules message (Int32Rules, DurationRules, ...) converted to the
 * checked type. Messages without `in` / `not_in` (TimestampRules) get empty lists.
 */
export function readOrderedBounds<T>(rules: Message, convert: (v: unknown) => T): OrderedBounds<T> {
  const read = (name: string): T | undefined => {
    const v = ruleValue<unknown>(rules, name);
    return v === undefined ? undefined : convert(v);
  };
  const list = (name: string): T[] =>
    ((Reflect.get(rules, name) as unknown[] | undefined) ?? []).map(convert);
  return {
    const: read('const'),
    lt: read('lt'),
    lte: read('lte'),
    gt: read('gt'),
    gte: read('gte'),
    in: list('in'),
    notIn: list('notIn'),
  };
}

export type OrderedCheck<T> = (value: T, path: string, out: PgvViolation[]) => void;

type RangeTest<T> = (value: T) => { rule: string; message: string } | undefined;

export function hasOrderedRules<T>(b: OrderedBounds<T>): boolean {
  return (
    b.const !== undefined ||
    b.lt !== undefined ||
    b.lte !== undefined ||
    b.gt !== undefined ||
    b.gte !== undefined ||
    b.in.length > 0 ||
    b.notIn.length > 0
  );
}

export function compileOrdered<T>(
  kind: string,
  b: OrderedBounds<T>,
  ord: Ordering<T>,
): OrderedCheck<T> {
  const range = compileRange(kind, b, ord);
  const list = (values: readonly T[]): string => `[${values.map(ord.show).join(', ')}]`;
  return (value, path, out) => {
    if (b.const !== undefined && ord.compare(value, b.const) !== 0) {
      out.push(violation(path, `${kind}.const`, `value must equal ${ord.show(b.const)}`));
    }
    const failed = range?.(value);
    if (failed) out.push(violation(path, failed.rule, failed.message));
    if (b.in.length > 0 && !b.in.some((x) => ord.compare(value, x) === 0)) {
      out.push(violation(path, `${kind}.in`, `value must be in list ${list(b.in)}`));
    }
    if (b.notIn.some((x) => ord.compare(value, x) === 0)) {
      out.push(violation(path, `${kind}.not_in`, `value must not be in list ${list(b.notIn)}`));
    }
  };
}

function compileRange<T>(
  kind: string,
  b: OrderedBounds<T>,
  ord: Ordering<T>,
): RangeTest<T> | undefined {
  const lower =
    b.gt !== undefined
      ? { v: b.gt, excl: true }
      : b.gte !== undefined
        ? { v: b.gte, excl: false }
        : undefined;
  const upper =
    b.lt !== undefined
      ? { v: b.lt, excl: true }
      : b.lte !== undefined
        ? { v: b.lte, excl: false }
        : undefined;
  if (!lower && !upper) return undefined;
  const lowerName = lower?.excl ? 'gt' : 'gte';
  const upperName = upper?.excl ? 'lt' : 'lte';
  const s = ord.show;
  // "value satisfies the lower bound" / "the upper bound", each on its own.
  const aboveLower = (x: T): boolean =>
    !lower || (lower.excl ? ord.compare(x, lower.v) > 0 : ord.compare(x, lower.v) >= 0);
  const belowUpper = (x: T): boolean =>
    !upper || (upper.excl ? ord.compare(x, upper.v) < 0 : ord.compare(x, upper.v) <= 0);
  if (lower && upper) {
    const open = lower.excl ? '(' : '[';
    const close = upper.excl ? ')' : ']';
    if (ord.compare(upper.v, lower.v) > 0) {
      const text = `value must be inside range ${open}${s(lower.v)}, ${s(upper.v)}${close}`;
      return (x) => {
        if (!aboveLower(x)) return { rule: `${kind}.${lowerName}`, message: text };
        if (!belowUpper(x)) return { rule: `${kind}.${upperName}`, message: text };
        return undefined;
      };
    }
    // Exclusive range: the value must satisfy at least one of the two bounds.
    const text =
      `value must be outside range ${upper.excl ? '[' : '('}${s(upper.v)}, ` +
      `${s(lower.v)}${lower.excl ? ']' : ')'}`;
    return (x) =>
      aboveLower(x) || belowUpper(x)
        ? undefined
        : { rule: `${kind}.${upperName}_${lowerName}`, message: text };
  }
  if (upper) {
    const text = `value must be less than ${upper.excl ? '' : 'or equal to '}${s(upper.v)}`;
    return (x) => (belowUpper(x) ? undefined : { rule: `${kind}.${upperName}`, message: text });
  }
  const low = lower as { v: T; excl: boolean };
  const text = `value must be greater than ${low.excl ? '' : 'or equal to '}${s(low.v)}`;
  return (x) => (aboveLower(x) ? undefined : { rule: `${kind}.${lowerName}`, message: text });
}
