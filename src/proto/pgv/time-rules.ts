// DurationRules and TimestampRules. Both compare as total nanoseconds (bigint). These rules
// only apply when the field is set; `required` is handled by the field walker.
import type { DurationRules, TimestampRules } from '../../gen/validate/validate_pb.js';
import {
  compareBigints,
  compileOrdered,
  hasOrderedRules,
  readOrderedBounds,
} from './ordered-rules.js';
import type { Ordering } from './ordered-rules.js';
import { isRuleSet } from './rule-options.js';
import type { PgvViolation, ValueCheck } from './types.js';
import { violation } from './types.js';

const NANOS = 1_000_000_000n;
const MAX_DURATION_SECONDS = 315_576_000_000n;

interface SecondsNanos {
  seconds: bigint;
  nanos: number;
}

export const totalNanos = (d: SecondsNanos): bigint => d.seconds * NANOS + BigInt(d.nanos);

/** Go-like rendering: 0s, 1.5s, -0.25s. */
export function showDuration(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  const frac = (abs % NANOS).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / NANOS}${frac ? '.' + frac : ''}s`;
}

const durationOrdering: Ordering<bigint> = { compare: compareBigints, show: showDuration };

const timestampOrdering: Ordering<bigint> = {
  compare: compareBigints,
  show: (n) => new Date(Number(n / 1_000_000n)).toISOString(),
};

/** Rule values of DurationRules / TimestampRules are Duration / Timestamp messages. */
const ruleNanos = (v: unknown): bigint => totalNanos(v as SecondsNanos);

function isValidDuration(d: SecondsNanos): boolean {
  if (d.seconds > MAX_DURATION_SECONDS || d.seconds < -MAX_DURATION_SECONDS) return false;
  if (d.nanos <= -1e9 || d.nanos >= 1e9) return false;
  return !((d.seconds > 0n && d.nanos < 0) || (d.seconds < 0n && d.nanos > 0));
}

function isDurationLike(v: unknown): v is SecondsNanos {
  return typeof v === 'object' && v !== null && typeof Reflect.get(v, 'seconds') === 'bigint';
}

export function compileDuration(rules: DurationRules): ValueCheck | undefined {
  const bounds = readOrderedBounds(rules, ruleNanos);
  const check = hasOrderedRules(bounds)
    ? compileOrdered('duration', bounds, durationOrdering)
    : undefined;
  return (value, path, out) => {
    if (!isDurationLike(value)) return;
    if (!isValidDuration(value)) {
      out.push(violation(path, 'duration.valid', 'value is not a valid duration'));
      return;
    }
    check?.(totalNanos(value), path, out);
  };
}

export function compileTimestamp(rules: TimestampRules): ValueCheck | undefined {
  const bounds = readOrderedBounds(rules, ruleNanos);
  const check = hasOrderedRules(bounds)
    ? compileOrdered('timestamp', bounds, timestampOrdering)
    : undefined;
  const ltNow = rules.ltNow;
  const gtNow = rules.gtNow;
  const within = isRuleSet(rules, 'within') && rules.within ? totalNanos(rules.within) : undefined;
  return (value, path, out: PgvViolation[]) => {
    if (!isDurationLike(value)) return;
    if (value.nanos < 0 || value.nanos >= 1e9) {
      out.push(violation(path, 'timestamp.valid', 'value is not a valid timestamp'));
      return;
    }
    const t = totalNanos(value);
    check?.(t, path, out);
    if (!ltNow && !gtNow && within === undefined) return;
    const now = BigInt(Date.now()) * 1_000_000n;
    if (ltNow && t >= now)
      out.push(violation(path, 'timestamp.lt_now', 'value must be less than now'));
    if (gtNow && t <= now)
      out.push(violation(path, 'timestamp.gt_now', 'value must be greater than now'));
    if (within !== undefined && (t < now - within || t > now + within)) {
      out.push(
        violation(path, 'timestamp.within', `value must be within ${showDuration(within)} of now`),
      );
    }
  };
}
