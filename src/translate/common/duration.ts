// Istio durations are strings (`10s`, `1.5s`, `100ms`, `1h2m`); Envoy wants
// google.protobuf.Duration. Parsing follows Go's time.ParseDuration units.
import { create } from '@bufbuild/protobuf';
import { DurationSchema, type Duration } from '@bufbuild/protobuf/wkt';

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const NANOS_PER_SECOND = 1_000_000_000n;

/** Parses a Go-style duration into total nanoseconds; undefined when malformed. */
export function parseDurationNanos(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed === '0') return 0n;
  const re = /(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h)/gy;
  let total = 0n;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(trimmed)) !== null) {
    const [whole, intPart, fracPart, unit] = match as unknown as [
      string,
      string,
      string | undefined,
      string,
    ];
    const unitNanos = UNIT_NANOS[unit] as bigint;
    total += BigInt(intPart) * unitNanos;
    if (fracPart !== undefined) {
      const scale = 10n ** BigInt(fracPart.length);
      total += (BigInt(fracPart) * unitNanos) / scale;
    }
    consumed += whole.length;
  }
  return consumed === trimmed.length && consumed > 0 ? total : undefined;
}

export function durationFromNanos(nanos: bigint): Duration {
  return create(DurationSchema, {
    seconds: nanos / NANOS_PER_SECOND,
    nanos: Number(nanos % NANOS_PER_SECOND),
  });
}

/**
 * `durationFromIstio('1.5s')` → `{ seconds: 1n, nanos: 500000000 }`. Throws on malformed input:
 * validation rejects bad durations before translation, so reaching here is a bug.
 */
export function durationFromIstio(text: string): Duration {
  const nanos = parseDurationNanos(text);
  if (nanos === undefined) throw new Error(`invalid duration ${JSON.stringify(text)}`);
  return durationFromNanos(nanos);
}
