// Loading config files and directories into RawDocuments.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigPaths } from '../load-config-paths.js';
import { makeTempDir, removeDir, virtualService } from './watch-helpers.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('loadConfigPaths', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('loads the bookinfo samples from a directory, recursively, in a stable order', async () => {
    const bookinfo = path.join(repoRoot, 'testdata/bookinfo');
    const updates = await loadConfigPaths([bookinfo]);
    const origins = updates.map((u) => path.relative(bookinfo, u.origin));
    expect(origins).toContain('platform/kube/bookinfo.yaml');
    expect(origins).toContain('networking/destination-rule-all.yaml');
    expect(origins).toEqual([...origins].sort());
    expect(updates.flatMap((u) => u.parseErrors)).toEqual([]);
    const drs = updates.find((u) => u.origin.endsWith('destination-rule-all.yaml'))!;
    expect(drs.documents.map((d) => (d.object.metadata as { name: string }).name)).toEqual([
      'productpage',
      'reviews',
      'ratings',
      'details',
    ]);
  });

  it('takes files and directories, loading a file named twice only once', async () => {
    await fs.mkdir(path.join(dir, 'sub'));
    await fs.writeFile(path.join(dir, 'a.yaml'), virtualService('a'));
    await fs.writeFile(
      path.join(dir, 'sub', 'b.json'),
      JSON.stringify({ kind: 'Pod', metadata: { name: 'b' } }),
    );
    const updates = await loadConfigPaths([path.join(dir, 'a.yaml'), dir]);
    expect(updates.map((u) => u.origin)).toEqual([
      path.join(dir, 'a.yaml'),
      path.join(dir, 'sub', 'b.json'),
    ]);
  });

  it('reports missing paths and skips unknown file types, like istioctl analyze', async () => {
    await fs.writeFile(path.join(dir, 'notes.txt'), 'hello');
    const missing = path.join(dir, 'missing.yaml');
    const updates = await loadConfigPaths([missing, path.join(dir, 'notes.txt')]);
    expect(updates).toEqual([
      {
        origin: missing,
        documents: [],
        parseErrors: [
          expect.objectContaining({
            severity: 'Error',
            source: { file: missing },
            message: `cannot read ${missing}: ENOENT`,
          }),
        ],
      },
      {
        origin: path.join(dir, 'notes.txt'),
        documents: [],
        parseErrors: [expect.objectContaining({ severity: 'Warning', code: 'IST0133' })],
      },
    ]);
    expect(updates[1].parseErrors[0].message).toMatch(
      /recognised extensions are \.yaml \.yml \.json/,
    );
  });

  it('keeps the documents that parse beside the errors of those that do not', async () => {
    const file = path.join(dir, 'mixed.yaml');
    await fs.writeFile(
      file,
      `${virtualService('a')}---\nmetadata: {name: "x\n---\n${virtualService('c')}`,
    );
    const [u] = await loadConfigPaths([file]);
    expect(u.documents.map((d) => d.source.docIndex)).toEqual([0, 2]);
    expect(u.parseErrors.map((e) => [e.code, e.source])).toEqual([
      ['IST0106', { file, docIndex: 1 }],
    ]);
  });
});
