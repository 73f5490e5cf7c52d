// Reads a file only when it is not being written: the size, mtime and inode seen before the read
// must be the same after it, and the bytes read must be as many as the size says. Anything else
// means a writer is active and the caller should look again after a quiet window.
import { promises as fs, type Stats } from 'node:fs';
import { isVanished } from './walk-config-tree.js';

export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export type StableRead =
  | { kind: 'missing' }
  | { kind: 'directory' }
  | { kind: 'other' }
  | { kind: 'changing' }
  | { kind: 'unreadable'; message: string }
  | { kind: 'file'; text: string; stamp: FileStamp };

export interface ReadStableOptions {
  /**
   * Treat a file modified less than this long ago as still changing. Guards against watch events
   * that arrive late: a writer's last write may not have produced its event yet.
   */
  minAgeMs?: number;
}

export async function readStable(file: string, opts: ReadStableOptions = {}): Promise<StableRead> {
  try {
    const before = await fs.stat(file);
    if (before.isDirectory()) return { kind: 'directory' };
    if (!before.isFile()) return { kind: 'other' }; // never open a FIFO or socket: it could block
    const age = Date.now() - before.mtimeMs;
    if (opts.minAgeMs && age >= 0 && age < opts.minAgeMs) return { kind: 'changing' };
    const bytes = await fs.readFile(file);
    const after = await fs.stat(file);
    if (!sameStamp(stampOf(before), stampOf(after)) || bytes.length !== after.size) {
      return { kind: 'changing' };
    }
    return { kind: 'file', text: bytes.toString('utf8'), stamp: stampOf(after) };
  } catch (e) {
    if (isVanished(e)) return { kind: 'missing' };
    return { kind: 'unreadable', message: e instanceof Error ? e.message : String(e) };
  }
}

export function stampOf(st: Stats): FileStamp {
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}
