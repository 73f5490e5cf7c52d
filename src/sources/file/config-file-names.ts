// Which directory entries the file source reads. Editors and tools leave swap, backup and probe
// files beside the real config while saving; reading them would load stale or half-written copies
// of a resource (and report it as a duplicate of the real one), so they are never config.
import path from 'node:path';

const CONFIG_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** Names skipped in directory listings and watch events, whatever their extension. */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('.') || // dotfiles and dot-dirs: .git, vim's .x.swp, emacs' .#x, ConfigMap ..data
    name.endsWith('~') || // backup copies (vim, emacs, gedit)
    (name.startsWith('#') && name.endsWith('#')) || // emacs auto-save
    /\.sw[a-p]$/.test(name) || // vim swap files when not hidden
    name === '4913' // vim's "can I create a file here" probe
  );
}

/** True for a file the source should parse: a recognised extension and not an editor leftover. */
export function isConfigFileName(name: string): boolean {
  const base = path.basename(name);
  if (isIgnoredName(base)) return false;
  const ext = path.extname(base).toLowerCase();
  return (CONFIG_EXTENSIONS as readonly string[]).includes(ext);
}

export function isJsonFileName(name: string): boolean {
  return path.extname(name).toLowerCase() === '.json';
}

export const RECOGNISED_EXTENSIONS: readonly string[] = CONFIG_EXTENSIONS;
