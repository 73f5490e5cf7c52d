// Config file parsing (YAML and JSON) with positions for errors.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigFile, PARSE_ERROR_CODE } from '../parse.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function names(docs: { object: { metadata?: unknown } }[]): string[] {
  return docs.map((d) => (d.object.metadata as { name: string }).name);
}

describe('parseConfigFile (YAML)', () => {
  it('reads every document of the bookinfo platform file with its index', () => {
    const file = path.join(repoRoot, 'testdata/bookinfo/platform/kube/bookinfo.yaml');
    const { documents, errors } = parseConfigFile('bookinfo.yaml', readFileSync(file, 'utf8'));
    expect(errors).toEqual([]);
    const kinds = documents.map((d) => `${String(d.object.kind)}/${names([d])[0]}`);
    expect(kinds).toContain('Service/productpage');
    expect(kinds).toContain('Deployment/reviews-v3');
    expect(kinds).toContain('ServiceAccount/bookinfo-details');
    // comments-only leading document is skipped, yet indexes still count every document
    const indexes = documents.map((d) => d.source.docIndex);
    expect(indexes).toEqual([...indexes].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(new Set(indexes).size).toBe(documents.length);
    expect(documents.every((d) => d.source.file === 'bookinfo.yaml')).toBe(true);
  });

  it('skips empty and comments-only documents but keeps their index positions', () => {
    const text = [
      '# leading comment',
      '---',
      'kind: A',
      'metadata: {name: a}',
      '---',
      '# nothing here',
      '---',
      '---',
      'kind: B',
      'metadata: {name: b}',
      '',
    ].join('\n');
    const { documents, errors } = parseConfigFile('x.yaml', text);
    expect(errors).toEqual([]);
    expect(documents.map((d) => [names([d])[0], d.source.docIndex])).toEqual([
      ['a', 0],
      ['b', 3],
    ]);
  });

  it('reports a syntax error in one document with file line:col and keeps the others', () => {
    const text = [
      'kind: A', // 1
      'metadata: {name: a}', // 2
      '---', // 3
      'kind: B', // 4
      'metadata:', // 5
      '  name: "unterminated', // 6
      '---', // 7
      'kind: C', // 8
      'metadata: {name: c}', // 9
    ].join('\n');
    const { documents, errors } = parseConfigFile('dir/mixed.yaml', text);
    expect(names(documents)).toEqual(['a', 'c']);
    expect(documents[1].source).toEqual({ file: 'dir/mixed.yaml', docIndex: 2 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: PARSE_ERROR_CODE,
      severity: 'Error',
      source: { file: 'dir/mixed.yaml', docIndex: 1 },
    });
    expect(errors[0].message).toMatch(/^YAML syntax error at \d+:\d+: .*quote/);
    const [line] = /at (\d+):/.exec(errors[0].message)!.slice(1).map(Number);
    expect(line).toBeGreaterThanOrEqual(6);
    expect(line).toBeLessThanOrEqual(7);
  });

  it('points at the offending line of a bad indentation', () => {
    const text =
      'kind: A\nmetadata: {name: a}\n---\nkind: B\nmetadata:\n  name: b\n   bad: indent\n';
    const { documents, errors } = parseConfigFile('i.yml', text);
    expect(names(documents)).toEqual(['a']);
    expect(errors[0].source.docIndex).toBe(1);
    expect(errors[0].message).toMatch(/^YAML syntax error at 6:9: /); // line 4 of document 1
  });

  it('rejects duplicate keys like the Kubernetes decoder', () => {
    const { documents, errors } = parseConfigFile('d.yaml', 'kind: A\nkind: B\n');
    expect(documents).toEqual([]);
    expect(errors[0].message).toMatch(/unique/);
  });

  it('reports a document that is not an object', () => {
    const { documents, errors } = parseConfigFile('s.yaml', '- a\n- b\n---\nkind: A\n');
    expect(documents).toHaveLength(1);
    expect(errors).toEqual([
      expect.objectContaining({
        source: { file: 's.yaml', docIndex: 0 },
        message: 'document is a sequence, not an object',
      }),
    ]);
  });

  it('splits a kind: List into one document per item', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- {apiVersion: v1, kind: Service, metadata: {name: s1}}',
      '- {apiVersion: v1, kind: Service, metadata: {name: s2}}',
      '- 42',
    ].join('\n');
    const { documents, errors } = parseConfigFile('l.yaml', text);
    expect(names(documents)).toEqual(['s1', 's2']);
    expect(errors.map((e) => e.message)).toEqual(['items[2] is a number (42), not an object']);
  });

  it('accepts YAML merge keys and content on the separator line', () => {
    const text =
      'base: &b {app: x}\nkind: A\nmetadata:\n  name: a\n  labels:\n    <<: *b\n--- {kind: B}\n';
    const { documents, errors } = parseConfigFile('m.yaml', text);
    expect(errors).toEqual([]);
    expect((documents[0].object.metadata as { labels: unknown }).labels).toEqual({ app: 'x' });
    expect(documents[1]).toEqual({
      source: { file: 'm.yaml', docIndex: 1 },
      object: { kind: 'B' },
    });
  });

  it('stops alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const { documents, errors } = parseConfigFile('bomb.yaml', lines.join('\n'));
    expect(documents).toEqual([]);
    expect(errors[0].message).toMatch(/cannot be read/);
  });
});

describe('parseConfigFile (JSON)', () => {
  it('reads one object', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } });
    expect(parseConfigFile('a.json', text)).toEqual({
      documents: [
        {
          source: { file: 'a.json', docIndex: 0 },
          object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } },
        },
      ],
      errors: [],
    });
  });

  it('splits a List', () => {
    const list = {
      kind: 'List',
      apiVersion: 'v1',
      items: [
        { kind: 'Pod', metadata: { name: 'p1' } },
        { kind: 'Pod', metadata: { name: 'p2' } },
      ],
    };
    const { documents } = parseConfigFile('l.json', JSON.stringify(list, null, 2));
    expect(names(documents)).toEqual(['p1', 'p2']);
  });

  it('reports a syntax error with its position', () => {
    const { documents, errors } = parseConfigFile('b.json', '{\n  "kind": "A",\n  "x": }\n');
    expect(documents).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: PARSE_ERROR_CODE, source: { file: 'b.json' } });
    expect(errors[0].message).toMatch(/^JSON syntax error at 3:8: Unexpected token '}', [^\n]+$/);
  });

  it('treats an empty file as no documents', () => {
    expect(parseConfigFile('e.json', '  \n')).toEqual({ documents: [], errors: [] });
    expect(parseConfigFile('e.yaml', '')).toEqual({ documents: [], errors: [] });
  });
});
