// ANSI colour for terminal output, only when the output is a TTY and NO_COLOR is unset
// (https://no-color.org), so piped output and scripts always see plain text.

export type Colour = 'red' | 'green' | 'yellow' | 'cyan' | 'bold' | 'dim';

const CODES: Record<Colour, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  bold: [1, 22],
  dim: [2, 22],
};

export function colourEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}

export function paint(text: string, colour: Colour, enabled: boolean): string {
  if (!enabled) return text;
  const [on, off] = CODES[colour];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

/** The colour of a proxy-status cell: SYNCED green, STALE yellow, ERROR red. */
export function stateColour(cell: string): Colour | undefined {
  if (cell.startsWith('SYNCED')) return 'green';
  if (cell.startsWith('STALE')) return 'yellow';
  if (cell.startsWith('ERROR')) return 'red';
  return undefined;
}
