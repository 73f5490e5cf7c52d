// FileSource: watching for changes, and the rescan fallback when watch events are lost.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SourceUpdate } from '../../types.js';
import { FileSource, type FileSourceOptions } from '../file-source.js';
import {
  delay,
  hostsOf,
  makeTempDir,
  removeDir,
  UpdateLog,
  virtualService,
} from './watch-helpers.js';

describe('FileSource watching', () => {
  let dir: string;
  let source: FileSource | undefined;
  let log: UpdateLog;
  const errors: Error[] = [];

  const at = (rel: string): string => path.join(dir, rel);
  const write = (rel: string, text: string): Promise<void> => fs.writeFile(at(rel), text);
  const has =
    (rel: string, host: string) =>
    (u: SourceUpdate): boolean =>
      u.origin === at(rel) && !u.removed && hostsOf(u).includes(host);
  const removed =
    (rel: string) =>
    (u: SourceUpdate): boolean =>
      u.origin === at(rel) && u.removed === true;

  async function startSource(opts: FileSourceOptions = {}): Promise<void> {
    log = new UpdateLog();
    source = new FileSource([dir], {
      rescanIntervalMs: 0,
      onError: (e) => errors.push(e),
      ...opts,
    });
    await source.start(log.onUpdate);
  }

  beforeEach(async () => {
    dir = await makeTempDir();
    errors.length = 0;
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await removeDir(dir);
  });

  it('applies create, modify and delete', async () => {
    await startSource();
    let from = log.mark();
    await write('vs.yaml', virtualService('vs', 'v1'));
    const created = await log.waitFor('create', has('vs.yaml', 'v1'), from);
    expect(created.parseErrors).toEqual([]);
    expect(created.documents[0].source).toEqual({ file: at('vs.yaml'), docIndex: 0 });

    from = log.mark();
    await write('vs.yaml', virtualService('vs', 'v2'));
    await log.waitFor('modify', has('vs.yaml', 'v2'), from);

    from = log.mark();
    await fs.unlink(at('vs.yaml'));
    const gone = await log.waitFor('delete', removed('vs.yaml'), from);
    expect(gone).toEqual({
      origin: at('vs.yaml'),
      documents: [],
      parseErrors: [],
      removed: true,
      settled: true,
    });
    await log.quiet(300);
    expect(errors).toEqual([]);
  });

  it('turns a rename into removal of the old origin and the new origin', async () => {
    await write('old.yaml', virtualService('vs', 'moved'));
    await startSource();
    const from = log.mark();
    await fs.rename(at('old.yaml'), at('new.yaml'));
    await log.waitFor('new origin', has('new.yaml', 'moved'), from);
    await log.waitFor('old origin removed', removed('old.yaml'), from);
    const after = log.all.slice(from);
    // the store must never hold the resource twice: removal is delivered no later than the add
    expect(after.findIndex(removed('old.yaml'))).toBeLessThan(
      after.findIndex(has('new.yaml', 'moved')),
    );
  });

  it("follows an editor's atomic save (write a temp file, rename it over the original)", async () => {
    await write('vs.yaml', virtualService('vs', 'before'));
    await startSource();
    const from = log.mark();
    await write('vs.yaml.tmp', virtualService('vs', 'after'));
    await fs.rename(at('vs.yaml.tmp'), at('vs.yaml'));
    await log.waitFor('saved content', has('vs.yaml', 'after'), from);
    await log.quiet(300);
    const updates = log.all.slice(from);
    expect(updates.filter((u) => u.removed)).toEqual([]);
    expect(updates.map((u) => u.origin)).toEqual([at('vs.yaml')]);
  });

  it('never delivers a half-written file', async () => {
    await startSource({ quietMs: 250 });
    const full = `${virtualService('a', 'first')}---\n${virtualService('b', 'second')}`;
    const cut = full.indexOf('second') + 3; // mid-document: the first half is valid YAML too
    const from = log.mark();
    const fh = await fs.open(at('slow.yaml'), 'w');
    await fh.write(full.slice(0, cut));
    await delay(40);
    await fh.write(full.slice(cut));
    await fh.close();
    const u = await log.waitFor('complete file', has('slow.yaml', 'second'), from);
    expect(hostsOf(u)).toEqual(['first', 'second']);
    await log.quiet(400);
    const seen = log.forOrigin(at('slow.yaml'), from);
    expect(seen).toHaveLength(1);
    expect(seen[0].parseErrors).toEqual([]);
  });

  it('waits out a writer that pauses mid-file before reporting a parse error', async () => {
    await startSource({ quietMs: 150 });
    const full = virtualService('a', 'done');
    const cut = full.indexOf('[') + 1; // `hosts: [` alone is a YAML syntax error
    const from = log.mark();
    const fh = await fs.open(at('paused.yaml'), 'w');
    await fh.write(full.slice(0, cut));
    await fh.sync();
    await delay(180); // longer than the quiet window: the half file is read once and fails
    await fh.write(full.slice(cut));
    await fh.close();
    await log.waitFor('complete file', has('paused.yaml', 'done'), from);
    await log.quiet(400);
    expect(log.forOrigin(at('paused.yaml'), from).flatMap((u) => u.parseErrors)).toEqual([]);
  });

  it('reports a persistent parse error, then recovers when the file is fixed', async () => {
    await startSource();
    let from = log.mark();
    await write('bad.yaml', 'kind: VirtualService\nmetadata: {name: x\n');
    const broken = await log.waitFor('parse error', (u) => u.origin === at('bad.yaml'), from);
    expect(broken.documents).toEqual([]);
    expect(broken.parseErrors).toHaveLength(1);
    expect(broken.parseErrors[0]).toMatchObject({
      code: 'IST0106',
      severity: 'Error',
      source: { file: at('bad.yaml'), docIndex: 0 },
    });
    expect(broken.parseErrors[0].message).toMatch(/^YAML syntax error at \d+:\d+: /);

    from = log.mark();
    await write('bad.yaml', virtualService('x', 'fixed'));
    const fixed = await log.waitFor('fixed', has('bad.yaml', 'fixed'), from);
    expect(fixed.parseErrors).toEqual([]);
  });

  it('coalesces a burst of 50 writes', async () => {
    await write('hot.yaml', virtualService('hot', 'v0'));
    await startSource();
    const from = log.mark();
    for (let i = 1; i <= 50; i++) await write('hot.yaml', virtualService('hot', `v${i}`));
    await log.waitFor('last write', has('hot.yaml', 'v50'), from);
    await log.quiet(300);
    const seen = log.forOrigin(at('hot.yaml'), from);
    // one update normally; the 1 s max wait may cut a very slow burst once or twice
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(3);
    expect(hostsOf(seen[seen.length - 1])).toEqual(['v50']);
    expect(seen.every((u) => u.parseErrors.length === 0)).toBe(true);
  });

  it('delivers files written within one quiet window of each other as one settled batch', async () => {
    await startSource({ quietMs: 300 });
    const from = log.mark();
    await write('a.yaml', virtualService('a', 'a1'));
    await delay(50);
    await write('b.yaml', virtualService('b', 'b1'));
    await log.waitFor('b', has('b.yaml', 'b1'), from);
    const batch = log.batches.find((bt) => bt.some(has('a.yaml', 'a1')));
    expect(batch?.map((u) => u.origin).sort()).toEqual([at('a.yaml'), at('b.yaml')]);
    expect(batch?.every((u) => u.settled === true)).toBe(true);
  });

  it('still delivers a settled file while another one is rewritten without pause', async () => {
    await startSource({ quietMs: 100, maxWaitMs: 400 });
    const from = log.mark();
    await write('a.yaml', virtualService('a', 'a1'));
    let aSeen = false;
    void log.waitFor('a', has('a.yaml', 'a1'), from).then(() => (aSeen = true));
    // ~3 s of writes, 30 ms apart: the tree is never quiet for a whole window meanwhile.
    for (let i = 0; i < 100 && !aSeen; i++) {
      await write('hot.yaml', virtualService('hot', `v${i}`));
      await delay(30);
    }
    expect(aSeen).toBe(true);
  });

  it('watches new subdirectories, nested ones too, and forgets removed ones', async () => {
    await startSource();
    let from = log.mark();
    await fs.mkdir(at('team'));
    await write('team/a.yaml', virtualService('a', 'in-sub'));
    await log.waitFor('file in new subdir', has('team/a.yaml', 'in-sub'), from);

    await fs.mkdir(at('team/deeper/still'), { recursive: true });
    await write('team/deeper/still/b.yaml', virtualService('b', 'deep'));
    await log.waitFor('file in new nested dir', has('team/deeper/still/b.yaml', 'deep'), from);

    from = log.mark();
    await write('team/deeper/still/b.yaml', virtualService('b', 'deep2'));
    await log.waitFor('modify in nested dir', has('team/deeper/still/b.yaml', 'deep2'), from);

    from = log.mark();
    await fs.rm(at('team'), { recursive: true });
    await log.waitFor('a removed', removed('team/a.yaml'), from);
    await log.waitFor('b removed', removed('team/deeper/still/b.yaml'), from);
  });

  it('treats a renamed directory as removal of its files and their arrival under the new name', async () => {
    await fs.mkdir(at('old-dir'));
    await write('old-dir/a.yaml', virtualService('a', 'kept'));
    await startSource();
    const from = log.mark();
    await fs.rename(at('old-dir'), at('new-dir'));
    await log.waitFor('old removed', removed('old-dir/a.yaml'), from);
    await log.waitFor('new added', has('new-dir/a.yaml', 'kept'), from);
    const later = log.mark();
    await write('new-dir/a.yaml', virtualService('a', 'edited'));
    await log.waitFor('edit under new name', has('new-dir/a.yaml', 'edited'), later);
  });

  it('ignores editor leftovers and rewrites with identical content', async () => {
    await write('vs.yaml', virtualService('vs'));
    await startSource();
    const from = log.mark();
    for (const junk of ['.vs.yaml.swp', 'vs.yaml~', '.#vs.yaml', '4913', 'notes.txt']) {
      await write(junk, 'not: [yaml');
    }
    await write('vs.yaml', virtualService('vs')); // same bytes, new mtime
    await log.quiet(400);
    expect(log.all.slice(from)).toEqual([]);
  });

  it('delivers nothing after stop()', async () => {
    await startSource();
    await source!.stop();
    const from = log.mark();
    await write('late.yaml', virtualService('late'));
    await delay(300);
    expect(log.all.slice(from)).toEqual([]);
  });
});

describe('FileSource rescan fallback', () => {
  let dir: string;
  let outside: string;
  let source: FileSource | undefined;

  beforeEach(async () => {
    dir = await makeTempDir();
    outside = await makeTempDir();
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await removeDir(dir);
    await removeDir(outside);
  });

  it('catches a change that produced no event in the watched tree', async () => {
    // A symlink to a file outside the tree: writes to the target raise no event here, which is
    // how Kubernetes ConfigMap volumes behave.
    await fs.writeFile(path.join(outside, 'real.yaml'), virtualService('vs', 'one'));
    await fs.symlink(path.join(outside, 'real.yaml'), path.join(dir, 'linked.yaml'));
    const log = new UpdateLog();
    source = new FileSource([dir], { rescanIntervalMs: 200 });
    await source.start(log.onUpdate);
    expect(hostsOf(log.all[0])).toEqual(['one']);

    const from = log.mark();
    await fs.writeFile(path.join(outside, 'real.yaml'), virtualService('vs', 'two-longer'));
    const u = await log.waitFor(
      'rescanned change',
      (x) => x.origin === path.join(dir, 'linked.yaml') && hostsOf(x).includes('two-longer'),
      from,
    );
    expect(u.parseErrors).toEqual([]);
  });
});
