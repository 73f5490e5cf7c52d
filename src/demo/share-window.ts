// Who answered recent calls: per population (a user, or `anonymous`), how many calls each version
// answered, or failed, over a sliding window ending now. Each call is kept with its completion
// time for the longest window asked for; at the demo's rates (tens of calls per second) a plain
// list is both the simplest and cheap enough.

/** The outcome recorded for a call that got no answer. */
export const ERROR_OUTCOME = 'error';

export interface WindowCounts {
  total: number;
  /** Calls per version, plus ERROR_OUTCOME for failures. */
  byOutcome: Map<string, number>;
}

interface Sample {
  at: number;
  population: string;
  outcome: string;
}

export class ShareWindow {
  private samples: Sample[] = [];

  /** `keepMs`: the longest window that will be asked for. */
  constructor(
    private readonly keepMs = 5000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  record(population: string, outcome: string): void {
    this.samples.push({ at: this.now(), population, outcome });
    this.prune();
  }

  counts(population: string, windowMs: number): WindowCounts {
    const since = this.now() - windowMs;
    const byOutcome = new Map<string, number>();
    let total = 0;
    for (const s of this.samples) {
      if (s.at <= since || s.population !== population) continue;
      total++;
      byOutcome.set(s.outcome, (byOutcome.get(s.outcome) ?? 0) + 1);
    }
    return { total, byOutcome };
  }

  private prune(): void {
    const since = this.now() - this.keepMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop].at <= since) drop++;
    if (drop > 0) this.samples = this.samples.slice(drop);
  }
}

/** Share (0..1) of `outcome` in `counts`; 0 when there were no calls. */
export function shareOf(counts: WindowCounts, outcome: string): number {
  return counts.total === 0 ? 0 : (counts.byOutcome.get(outcome) ?? 0) / counts.total;
}
