// Aligned text tables like istioctl's (Go tabwriter): a header row, columns padded to their widest
// cell, separated by spaces. Colour is applied after padding so escape codes never shift columns,
// and only when asked (the caller decides from the stream: a TTY and no NO_COLOR).

export interface TableOptions {
  /** Spaces between columns (istioctl uses 3 to 5). */
  gap?: number;
  /** Colours a cell's padded text; called for body cells only. */
  paint?: (text: string, column: number, row: readonly string[]) => string;
}

/** Cells are single-line: newlines and tabs become spaces so scripts can split on lines. */
const clean = (s: string): string => s.replace(/[\r\n\t]+/g, ' ');

export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TableOptions = {},
): string {
  const gap = ' '.repeat(opts.gap ?? 3);
  const body = rows.map((r) => headers.map((_, i) => clean(r[i] ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: readonly string[], paint?: TableOptions['paint']) =>
    cells
      .map((c, i) => {
        // The last column is not padded: no trailing spaces.
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i]);
        return paint ? paint(padded, i, cells) : padded;
      })
      .join(gap)
      .trimEnd();
  return [line(headers), ...body.map((r) => line(r, opts.paint))].join('\n') + '\n';
}
