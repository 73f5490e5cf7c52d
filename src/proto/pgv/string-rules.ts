// StringRules. Lengths count Unicode code points ("runes"), *_bytes count UTF-8 bytes.
// `pattern` has RE2 semantics; JS RegExp with the 'u' flag agrees on Envoy's patterns.
import type { StringRules } from '../../gen/validate/validate_pb.js';
import { KnownRegex } from '../../gen/validate/validate_pb.js';
import { isRuleSet } from './rule-options.js';
import type { PgvViolation, ValueCheck } from './types.js';
import { violation } from './types.js';
import * as formats from './well-known-formats.js';

type StringTest = (value: string, path: string, out: PgvViolation[]) => void;

export function runeLength(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

export function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return new RegExp(pattern);
  }
}

const FORMATS: Record<string, [(v: string) => boolean, string]> = {
  email: [formats.isEmail, 'value must be a valid email address'],
  hostname: [formats.isHostname, 'value must be a valid hostname'],
  ip: [formats.isIp, 'value must be a valid IP address'],
  ipv4: [formats.isIpv4, 'value must be a valid IPv4 address'],
  ipv6: [formats.isIpv6, 'value must be a valid IPv6 address'],
  uri: [formats.isUri, 'value must be a valid URI'],
  uriRef: [formats.isUriRef, 'value must be a valid URI reference'],
  address: [formats.isAddress, 'value must be a valid hostname, or ip address'],
  uuid: [formats.isUuid, 'value must be a valid UUID'],
};

const SNAKE: Record<string, string> = { uriRef: 'uri_ref', wellKnownRegex: 'well_known_regex' };

function lengthTest(
  rule: string,
  measure: (v: string) => number,
  ok: (n: number) => boolean,
  text: string,
): StringTest {
  return (v, path, out) => {
    if (!ok(measure(v))) out.push(violation(path, rule, text));
  };
}

function wellKnownTest(rules: StringRules): StringTest | undefined {
  const wk = rules.wellKnown;
  if (wk.case === undefined) return undefined;
  if (wk.case === 'wellKnownRegex') {
    let re: RegExp | undefined;
    if (wk.value === KnownRegex.HTTP_HEADER_NAME) {
      re = rules.strict ? formats.HEADER_NAME_STRICT : formats.HEADER_LOOSE;
    } else if (wk.value === KnownRegex.HTTP_HEADER_VALUE) {
      re = rules.strict ? formats.HEADER_VALUE_STRICT : formats.HEADER_LOOSE;
    }
    if (!re) return undefined;
    const regex = re;
    const text = `value does not match regex pattern "${regex.source}"`;
    return (v, path, out) => {
      if (!regex.test(v)) out.push(violation(path, 'string.well_known_regex', text));
    };
  }
  if (!wk.value) return undefined;
  const entry = FORMATS[wk.case];
  if (!entry) return undefined;
  const [valid, text] = entry;
  const rule = `string.${SNAKE[wk.case] ?? wk.case}`;
  return (v, path, out) => {
    if (!valid(v)) out.push(violation(path, rule, text));
  };
}

export function compileString(rules: StringRules): ValueCheck | undefined {
  const tests: StringTest[] = [];
  const set = (name: string): boolean => isRuleSet(rules, name);
  const bytes = (v: string): number => Buffer.byteLength(v, 'utf8');
  const q = JSON.stringify;
  if (set('const')) {
    const c = rules.const;
    tests.push((v, path, out) => {
      if (v !== c) out.push(violation(path, 'string.const', `value must equal ${q(c)}`));
    });
  }
  if (set('len')) {
    const n = Number(rules.len);
    tests.push(
      lengthTest('string.len', runeLength, (x) => x === n, `value length must be ${n} runes`),
    );
  }
  if (set('minLen')) {
    const n = Number(rules.minLen);
    tests.push(
      lengthTest(
        'string.min_len',
        runeLength,
        (x) => x >= n,
        `value length must be at least ${n} runes`,
      ),
    );
  }
  if (set('maxLen')) {
    const n = Number(rules.maxLen);
    tests.push(
      lengthTest(
        'string.max_len',
        runeLength,
        (x) => x <= n,
        `value length must be at most ${n} runes`,
      ),
    );
  }
  if (set('lenBytes')) {
    const n = Number(rules.lenBytes);
    tests.push(
      lengthTest('string.len_bytes', bytes, (x) => x === n, `value length must be ${n} bytes`),
    );
  }
  if (set('minBytes')) {
    const n = Number(rules.minBytes);
    tests.push(
      lengthTest(
        'string.min_bytes',
        bytes,
        (x) => x >= n,
        `value length must be at least ${n} bytes`,
      ),
    );
  }
  if (set('maxBytes')) {
    const n = Number(rules.maxBytes);
    tests.push(
      lengthTest(
        'string.max_bytes',
        bytes,
        (x) => x <= n,
        `value length must be at most ${n} bytes`,
      ),
    );
  }
  if (rules.in.length > 0) {
    const allowed = new Set(rules.in);
    tests.push((v, path, out) => {
      if (!allowed.has(v))
        out.push(violation(path, 'string.in', `value must be in list ${q(rules.in)}`));
    });
  }
  if (rules.notIn.length > 0) {
    const denied = new Set(rules.notIn);
    tests.push((v, path, out) => {
      if (denied.has(v))
        out.push(violation(path, 'string.not_in', `value must not be in list ${q(rules.notIn)}`));
    });
  }
  if (set('pattern')) {
    const re = compilePattern(rules.pattern);
    const text = `value does not match regex pattern ${q(rules.pattern)}`;
    tests.push((v, path, out) => {
      if (!re.test(v)) out.push(violation(path, 'string.pattern', text));
    });
  }
  if (set('prefix')) {
    const p = rules.prefix;
    tests.push((v, path, out) => {
      if (!v.startsWith(p))
        out.push(violation(path, 'string.prefix', `value does not have prefix ${q(p)}`));
    });
  }
  if (set('suffix')) {
    const s = rules.suffix;
    tests.push((v, path, out) => {
      if (!v.endsWith(s))
        out.push(violation(path, 'string.suffix', `value does not have suffix ${q(s)}`));
    });
  }
  if (set('contains')) {
    const s = rules.contains;
    tests.push((v, path, out) => {
      if (!v.includes(s))
        out.push(violation(path, 'string.contains', `value does not contain substring ${q(s)}`));
    });
  }
  if (set('notContains')) {
    const s = rules.notContains;
    tests.push((v, path, out) => {
      if (v.includes(s))
        out.push(violation(path, 'string.not_contains', `value contains substring ${q(s)}`));
    });
  }
  const wk = wellKnownTest(rules);
  if (wk) tests.push(wk);
  if (tests.length === 0) return undefined;
  const ignoreEmpty = rules.ignoreEmpty;
  return (value, path, out) => {
    if (typeof value !== 'string') return;
    if (ignoreEmpty && value === '') return;
    for (const test of tests) test(value, path, out);
  };
}
