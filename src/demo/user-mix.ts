// The populations the demo's client sends traffic as: `anonymous` (no end-user header) and named
// users (header `end-user: <name>`, what bookinfo's productpage sets for a logged-in user), each
// with a weight. Calls are spread by smooth weighted round robin, not at random, so a 1:1 mix is
// exactly 1:1 in every window and the shares on screen reflect routing only.

export const ANONYMOUS = 'anonymous';
export const END_USER_HEADER = 'end-user';

export interface Population {
  /** `anonymous`, or the end-user header's value. */
  name: string;
  weight: number;
}

export const DEFAULT_USER_MIX = `${ANONYMOUS}:1,jason:1`;

/** Parses `name[:weight],...` (weight defaults to 1); returns a sentence on error. */
export function parseUserMix(text: string): Population[] | string {
  const out: Population[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [name, weightText, extra] = part.split(':');
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (extra !== undefined || !/^[A-Za-z0-9._-]+$/.test(name) || !Number.isFinite(weight)) {
      return `--users: expected name[:weight],..., got "${part}"`;
    }
    if (weight < 0) return `--users: weight of ${name} must not be negative`;
    if (out.some((p) => p.name === name)) return `--users: ${name} is listed twice`;
    out.push({ name, weight });
  }
  if (out.every((p) => p.weight === 0)) return '--users: at least one population needs a weight';
  return out;
}

/** Headers a call of `population` carries. */
export function headersOf(population: string): Record<string, string> {
  return population === ANONYMOUS ? {} : { [END_USER_HEADER]: population };
}

/** Smooth weighted round robin over the populations (nginx's algorithm). */
export class MixPicker {
  private readonly current: number[];
  private readonly total: number;

  constructor(private readonly populations: readonly Population[]) {
    this.current = populations.map(() => 0);
    this.total = populations.reduce((sum, p) => sum + p.weight, 0);
  }

  next(): string {
    let best = 0;
    for (let i = 0; i < this.populations.length; i++) {
      this.current[i] += this.populations[i].weight;
      if (this.current[i] > this.current[best]) best = i;
    }
    this.current[best] -= this.total;
    return this.populations[best].name;
  }
}
