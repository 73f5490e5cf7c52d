// BytesRules. `pattern` is matched against the bytes decoded as UTF-8, like RE2 on a Go string.
import type { BytesRules } from '../../gen/validate/validate_pb.js';
import { isRuleSet } from './rule-options.js';
import { compilePattern } from './string-rules.js';
import type { PgvViolation, ValueCheck } from './types.js';
import { violation } from './types.js';

type BytesTest = (value: Uint8Array, path: string, out: PgvViolation[]) => void;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle);
}

export function compileBytes(rules: BytesRules): ValueCheck | undefined {
  const tests: BytesTest[] = [];
  const set = (name: string): boolean => isRuleSet(rules, name);
  const len = (rule: string, ok: (n: number) => boolean, text: string): void => {
    tests.push((v, path, out) => {
      if (!ok(v.length)) out.push(violation(path, rule, text));
    });
  };
  if (set('const')) {
    const c = hex(rules.const);
    tests.push((v, path, out) => {
      if (hex(v) !== c) out.push(violation(path, 'bytes.const', `value must equal 0x${c}`));
    });
  }
  if (set('len')) {
    const n = Number(rules.len);
    len('bytes.len', (x) => x === n, `value length must be ${n} bytes`);
  }
  if (set('minLen')) {
    const n = Number(rules.minLen);
    len('bytes.min_len', (x) => x >= n, `value length must be at least ${n} bytes`);
  }
  if (set('maxLen')) {
    const n = Number(rules.maxLen);
    len('bytes.max_len', (x) => x <= n, `value length must be at most ${n} bytes`);
  }
  if (set('pattern')) {
    const re = compilePattern(rules.pattern);
    tests.push((v, path, out) => {
      if (!re.test(Buffer.from(v).toString('utf8'))) {
        out.push(
          violation(
            path,
            'bytes.pattern',
            `value does not match regex pattern ${JSON.stringify(rules.pattern)}`,
          ),
        );
      }
    });
  }
  if (set('prefix')) {
    const p = Buffer.from(rules.prefix);
    tests.push((v, path, out) => {
      if (!Buffer.from(v).subarray(0, p.length).equals(p)) {
        out.push(
          violation(path, 'bytes.prefix', `value does not have prefix 0x${p.toString('hex')}`),
        );
      }
    });
  }
  if (set('suffix')) {
    const s = Buffer.from(rules.suffix);
    tests.push((v, path, out) => {
      if (
        v.length < s.length ||
        !Buffer.from(v)
          .subarray(v.length - s.length)
          .equals(s)
      ) {
        out.push(
          violation(path, 'bytes.suffix', `value does not have suffix 0x${s.toString('hex')}`),
        );
      }
    });
  }
  if (set('contains')) {
    const c = rules.contains;
    tests.push((v, path, out) => {
      if (indexOf(v, c) < 0) {
        out.push(violation(path, 'bytes.contains', `value does not contain 0x${hex(c)}`));
      }
    });
  }
  if (rules.in.length > 0) {
    const allowed = new Set(rules.in.map(hex));
    tests.push((v, path, out) => {
      if (!allowed.has(hex(v))) out.push(violation(path, 'bytes.in', 'value must be in list'));
    });
  }
  if (rules.notIn.length > 0) {
    const denied = new Set(rules.notIn.map(hex));
    tests.push((v, path, out) => {
      if (denied.has(hex(v)))
        out.push(violation(path, 'bytes.not_in', 'value must not be in list'));
    });
  }
  const wk = rules.wellKnown;
  if (wk.case !== undefined && wk.value) {
    const sizes = wk.case === 'ip' ? [4, 16] : wk.case === 'ipv4' ? [4] : [16];
    const text = `value must be a valid ${wk.case === 'ip' ? 'IP' : wk.case === 'ipv4' ? 'IPv4' : 'IPv6'} address`;
    tests.push((v, path, out) => {
      if (!sizes.includes(v.length)) out.push(violation(path, `bytes.${wk.case}`, text));
    });
  }
  if (tests.length === 0) return undefined;
  const ignoreEmpty = Reflect.get(rules, 'ignoreEmpty') === true;
  return (value, path, out) => {
    if (!(value instanceof Uint8Array)) return;
    if (ignoreEmpty && value.length === 0) return;
    for (const test of tests) test(value, path, out);
  };
}
