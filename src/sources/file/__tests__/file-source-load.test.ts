// FileSource: the initial load of a config directory.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileSource } from '../file-source.js';
import { makeTempDir, removeDir, UpdateLog, virtualService } from './watch-helpers.js';

describe('FileSource initial load', () => {
  let dir: string;
  let source: FileSource | undefined;

  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await removeDir(dir);
  });

  async function write(rel: string, text: string): Promise<void> {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }

  it('loads multi-document YAML, JSON, Lists and nested directories, skipping editor files', async () => {
    await write(
      'vs.yaml',
      `${virtualService('a')}---\n# comment only\n---\n${virtualService('b')}`,
    );
    await write(
      'svc.json',
      JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }),
    );
    await write(
      'net/deeper/list.yml',
      'apiVersion: v1\nkind: List\nitems:\n- {kind: Pod, metadata: {name: p1}}\n- {kind: Pod, metadata: {name: p2}}\n',
    );
    for (const junk of ['.vs.yaml.swp', 'vs.yaml~', '.#vs.yaml', '4913', 'README.md']) {
      await write(junk, virtualService('junk'));
    }
    await write('.git/config.yaml', virtualService('junk'));

    const log = new UpdateLog();
    source = new FileSource([dir], { rescanIntervalMs: 0 });
    await source.start(log.onUpdate);

    expect(log.batches).toHaveLength(1); // the initial state arrives as one batch
    const byOrigin = new Map(log.all.map((u) => [u.origin, u]));
    expect([...byOrigin.keys()].sort()).toEqual(
      [
        path.join(dir, 'net/deeper/list.yml'),
        path.join(dir, 'svc.json'),
        path.join(dir, 'vs.yaml'),
      ].sort(),
    );
    const vs = byOrigin.get(path.join(dir, 'vs.yaml'))!;
    expect(vs.parseErrors).toEqual([]);
    expect(
      vs.documents.map((d) => [(d.object.metadata as { name: string }).name, d.source]),
    ).toEqual([
      ['a', { file: path.join(dir, 'vs.yaml'), docIndex: 0 }],
      ['b', { file: path.join(dir, 'vs.yaml'), docIndex: 2 }],
    ]);
    expect(byOrigin.get(path.join(dir, 'svc.json'))!.documents[0].object.kind).toBe('Service');
    expect(byOrigin.get(path.join(dir, 'net/deeper/list.yml'))!.documents).toHaveLength(2);
  });

  it('names origins by the directory as given, relative or not', async () => {
    await write('sub/x.yaml', virtualService('x'));
    const given = path.relative(process.cwd(), dir);
    const log = new UpdateLog();
    source = new FileSource([given], { rescanIntervalMs: 0 });
    await source.start(log.onUpdate);
    expect(log.all.map((u) => u.origin)).toEqual([path.join(given, 'sub', 'x.yaml')]);
    expect(log.all[0].documents[0].source.file).toBe(path.join(given, 'sub', 'x.yaml'));
  });

  it('reports a YAML error in one document and still delivers the others', async () => {
    await write(
      'mixed.yaml',
      `${virtualService('a')}---\nkind: [unclosed\n---\n${virtualService('c')}`,
    );
    const log = new UpdateLog();
    source = new FileSource([dir], { rescanIntervalMs: 0 });
    await source.start(log.onUpdate);
    const [u] = log.all;
    expect(u.documents.map((d) => d.source.docIndex)).toEqual([0, 2]);
    expect(u.parseErrors).toHaveLength(1);
    expect(u.parseErrors[0]).toMatchObject({ severity: 'Error', source: { docIndex: 1 } });
    expect(u.parseErrors[0].message).toMatch(/^YAML syntax error at 1[01]:\d+/);
  });

  it('loads several directories', async () => {
    const other = await makeTempDir();
    try {
      await write('a.yaml', virtualService('a'));
      await fs.writeFile(path.join(other, 'b.yaml'), virtualService('b'));
      const log = new UpdateLog();
      source = new FileSource([dir, other], { rescanIntervalMs: 0 });
      await source.start(log.onUpdate);
      expect(log.all.map((u) => u.origin).sort()).toEqual(
        [path.join(dir, 'a.yaml'), path.join(other, 'b.yaml')].sort(),
      );
    } finally {
      await source?.stop();
      await removeDir(other);
    }
  });

  it('refuses a directory that does not exist', async () => {
    source = new FileSource([path.join(dir, 'nope')], { rescanIntervalMs: 0 });
    await expect(source.start(() => undefined)).rejects.toThrow(/does not exist/);
  });
});
