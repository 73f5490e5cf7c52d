// `mini-istiod analyze`: the Istio analyzer messages for a config directory.
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { analyzePaths } from '../analyze.js';
import { repoRoot } from '../../model/validation/__tests__/fixtures.js';

const td = (...p: string[]): string => join(repoRoot, 'testdata', ...p);
const platform = td('bookinfo', 'platform', 'kube', 'bookinfo.yaml');
const rules = td('bookinfo', 'networking', 'destination-rule-all.yaml');
const vsFiles = readdirSync(td('bookinfo', 'networking')).filter((f) =>
  f.startsWith('virtual-service-'),
);

describe('mini-istiod analyze', () => {
  it.each(vsFiles)('bookinfo + destination-rule-all + %s: no errors', async (vs) => {
    const r = await analyzePaths([platform, rules, td('bookinfo', 'networking', vs)]);
    expect(r.messages.filter((m) => m.severity === 'Error')).toEqual([]);
    expect(r.hasErrors).toBe(false);
  });

  it('a broken copy gives the right code, file, doc index and field', async () => {
    const file = td('analyze', 'broken-reviews.yaml');
    const r = await analyzePaths([platform, rules, file]);
    const got = r.messages.map((m) => [
      m.code,
      m.source.file,
      m.source.docIndex,
      m.kind,
      m.name,
      m.field,
    ]);
    expect(got).toEqual(
      expect.arrayContaining([
        ['IST0106', file, 0, 'VirtualService', 'reviews', 'spec.http[0].route[0].weight'],
        ['IST0106', file, 1, 'VirtualService', 'ratings', 'spec.http[0]'],
        ['IST0106', file, 1, 'VirtualService', 'ratings', 'spec.http[0].match[0].uri.regex'],
        ['IST0106', file, 2, 'DestinationRule', 'details', 'spec.subsets[1].name'],
      ]),
    );
    expect(r.hasErrors).toBe(true);
  });

  it('reports an undefined subset as IST0101', async () => {
    const file = td('analyze', 'undefined-subset.yaml');
    const r = await analyzePaths([platform, rules, file]);
    expect(r.messages).toEqual([
      expect.objectContaining({
        code: 'IST0101',
        severity: 'Error',
        source: { file, docIndex: 0 },
        field: 'spec.http[0].route[0].destination.subset',
        message: 'Referenced host+subset in destinationrule not found: "reviews+v9"',
      }),
    ]);
  });

  it('reports undefined hosts and gateways (IST0101) and conflicting mesh hosts (IST0109)', async () => {
    const r = await analyzePaths([platform, td('analyze', 'conflicting-hosts.yaml')]);
    const lines = r.messages.map((m) => `${m.code} ${m.name} ${m.field} ${m.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'IST0101 reviews-b spec.gateways[0] Referenced gateway not found: "default/missing-gateway"',
        'IST0101 reviews-b spec.http[0].route[0].destination.host Referenced host not found: "nowhere"',
        expect.stringMatching(
          /^IST0109 reviews-a spec.hosts The VirtualServices default\/reviews-a,default\/reviews-b/,
        ),
      ]),
    );
  });
});
