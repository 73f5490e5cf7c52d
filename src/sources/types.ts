// What a config source hands to the model: raw parsed documents per origin (file or object),
// never validated here. Sources own I/O; the model owns meaning.
import type { RawObject, SourceRef } from '../model/config.js';
import type { ConfigError } from '../model/validation/types.js';

export interface RawDocument {
  source: SourceRef;
  object: RawObject;
}

/**
 * The complete current contents of one origin (a file, or one Kubernetes object). Applying an
 * update replaces everything previously seen from that origin; `documents: []` with
 * `removed: true` deletes it. Parse errors are reported beside the documents that did parse.
 */
export interface SourceUpdate {
  origin: string;
  documents: RawDocument[];
  parseErrors: ConfigError[];
  removed?: boolean;
  /**
   * The source held this update until the burst of changes it belongs to had been quiet for a
   * debounce window (the file source does): the push debouncer adds no quiet window of its own.
   */
  settled?: boolean;
}

export interface ConfigSource {
  /** Loads everything once; resolves when the initial state has been delivered. */
  start(onUpdate: (updates: SourceUpdate[]) => void): Promise<void>;
  stop(): Promise<void>;
}
