// A config source held in memory: tests set, replace and remove origins (file names) directly,
// each call one store change, so each call is one push after the debounce.
import { parseAllDocuments } from 'yaml';
import type { RawObject } from '../../../model/config.js';
import type { ConfigSource, SourceUpdate } from '../../../sources/types.js';

export class MemorySource implements ConfigSource {
  private onUpdate: ((updates: SourceUpdate[]) => void) | undefined;
  constructor(private readonly initial: Map<string, string>) {}

  async start(onUpdate: (updates: SourceUpdate[]) => void): Promise<void> {
    this.onUpdate = onUpdate;
    onUpdate([...this.initial].map(([origin, text]) => sourceUpdate(origin, text)));
  }

  async stop(): Promise<void> {}

  set(origin: string, text: string): void {
    this.onUpdate?.([sourceUpdate(origin, text)]);
  }

  /** Like `set`, as a source that debounced the change itself would deliver it. */
  setSettled(origin: string, text: string): void {
    this.onUpdate?.([{ ...sourceUpdate(origin, text), settled: true }]);
  }

  /** Several origins in one store change (so in one push). */
  setAll(texts: Record<string, string>): void {
    this.onUpdate?.(Object.entries(texts).map(([origin, text]) => sourceUpdate(origin, text)));
  }

  remove(origin: string): void {
    this.onUpdate?.([{ origin, documents: [], parseErrors: [], removed: true }]);
  }
}

/** The update a file source would deliver for `text` read from `origin`. */
export function sourceUpdate(origin: string, text: string): SourceUpdate {
  const documents = parseAllDocuments(text)
    .map((d) => d.toJS() as RawObject | null)
    .filter((o): o is RawObject => o !== null)
    .map((object, docIndex) => ({ source: { file: origin, docIndex }, object }));
  return { origin, documents, parseErrors: [] };
}
