// What the demo shows once a second: for each population of the user mix, the share of recent
// calls each version answered. On a terminal, a bar chart redrawn in place (ANSI; colour only
// there); elsewhere (`--no-tty`, pipes, tests), one plain line per second such as
//   t=3s  v1 90.2%  v2 0.0%  v3 9.8%  (jason: v2 100.0%)
// The first population gets every version, the others only the versions that answered them.
import { ERROR_OUTCOME, shareOf, type WindowCounts } from './share-window.js';

export interface PopulationShares {
  name: string;
  /** The short window (1 s): what the bars and the line show. */
  recent: WindowCounts;
  /** The long window (5 s): a steadier figure beside each bar. */
  steady: WindowCounts;
}

export interface ChartFrame {
  elapsedS: number;
  /** What the client calls, e.g. `reviews.default.svc.cluster.local:9080`. */
  target: string;
  rate: number;
  /** Every version the target has Pods for, in display order. */
  versions: string[];
  populations: PopulationShares[];
  /** Recent server messages, shown under the chart (a TTY has nowhere else to put them). */
  notes?: string[];
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/** Versions to list for one population: all known ones, or only those that answered. */
function outcomesOf(frame: ChartFrame, counts: WindowCounts, all: boolean): string[] {
  const seen = [...counts.byOutcome.keys()].filter((o) => o !== ERROR_OUTCOME);
  const extra = seen.filter((o) => !frame.versions.includes(o)).sort();
  const listed = [...frame.versions, ...extra].filter((v) => all || seen.includes(v));
  return (counts.byOutcome.get(ERROR_OUTCOME) ?? 0) > 0 ? [...listed, ERROR_OUTCOME] : listed;
}

const named = (outcome: string) => (outcome === ERROR_OUTCOME ? 'err' : outcome);

/** The `--no-tty` line for one frame. */
export function renderLine(frame: ChartFrame): string {
  const [first, ...others] = frame.populations;
  const parts = [`t=${frame.elapsedS}s`];
  if (first === undefined || first.recent.total === 0) parts.push('(no calls)');
  else {
    for (const o of outcomesOf(frame, first.recent, true)) {
      parts.push(`${named(o)} ${pct(shareOf(first.recent, o))}`);
    }
  }
  for (const p of others) {
    const shares =
      p.recent.total === 0
        ? 'no calls'
        : outcomesOf(frame, p.recent, false)
            .map((o) => `${named(o)} ${pct(shareOf(p.recent, o))}`)
            .join(' ');
    parts.push(`(${p.name}: ${shares})`);
  }
  return parts.join('  ');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar `width` cells wide at 100%, drawn to the eighth of a cell. */
export function bar(share: number, width: number): string {
  const eighths = Math.round(Math.min(Math.max(share, 0), 1) * width * 8);
  const full = '█'.repeat(Math.floor(eighths / 8));
  return (full + EIGHTHS[eighths % 8]).padEnd(width, ' ');
}

const COLOURS = ['32', '33', '35', '36', '34']; // green, yellow, magenta, cyan, blue
const RED = '31';

function paint(text: string, code: string, colour: boolean): string {
  return colour ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/** The chart's lines for one frame (no trailing newline, no cursor movement). */
export function renderChart(
  frame: ChartFrame,
  opts: { width?: number; colour?: boolean } = {},
): string[] {
  const width = opts.width ?? 40;
  const colour = opts.colour ?? false;
  const lines = [
    paint(
      `mini-istiod demo · t=${frame.elapsedS}s · ${frame.target} · ${frame.rate} calls/s`,
      '1',
      colour,
    ),
  ];
  for (const p of frame.populations) {
    lines.push('');
    lines.push(
      `${p.name === 'anonymous' ? 'anonymous users' : `end-user: ${p.name}`}  ` +
        `(last 1s: ${p.recent.total} calls; right column: last 5s)`,
    );
    for (const o of outcomesOf(frame, p.recent, true)) {
      const share = shareOf(p.recent, o);
      const code =
        o === ERROR_OUTCOME
          ? RED
          : COLOURS[Math.max(frame.versions.indexOf(o), 0) % COLOURS.length];
      lines.push(
        `  ${named(o).padEnd(4)} ${paint(bar(share, width), code, colour)} ` +
          `${pct(share).padStart(6)}  ${pct(shareOf(p.steady, o)).padStart(6)}`,
      );
    }
  }
  if (frame.notes !== undefined && frame.notes.length > 0) {
    lines.push('', ...frame.notes.map((n) => paint(n, '2', colour)));
  }
  return lines;
}

/** Something frames are written to: stdout, or a collector in tests. */
export interface ChartOutput {
  write(text: string): unknown;
}

/**
 * Draws frames: in `tty` mode the chart replaces the previous one in place, otherwise one line
 * per frame is appended.
 */
export class ChartView {
  private drawnLines = 0;

  constructor(
    private readonly out: ChartOutput,
    private readonly tty: boolean,
  ) {}

  draw(frame: ChartFrame): void {
    if (!this.tty) {
      this.out.write(`${renderLine(frame)}\n`);
      return;
    }
    const lines = renderChart(frame, { colour: true });
    // Up to the chart's first line, then clear to the end of the screen before redrawing.
    const home = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r\x1b[J` : '';
    this.out.write(`${home}${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
