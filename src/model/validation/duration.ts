// Istio (Go / CEL `duration()`) duration strings: a sequence of decimal numbers with units,
// e.g. `1h30m`, `1.5s`, `300ms`, `10us`. Protobuf JSON form (`1.5s`) is a subset of it.

const UNIT_NANOS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Duration in nanoseconds, or undefined when the string is not a valid duration. */
export function parseDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_NANOS[m[2]];
  }
  return sign * total;
}

export const NANOS_PER_MS = 1e6;
