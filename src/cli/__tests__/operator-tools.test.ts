// The operator commands against a live server: a real grpc-js-xds client (client-0), a fake
// Envoy sidecar that ACKs everything (productpage-v1-0) and one that NACKs LDS (reviews-v1-0).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDescribe } from '../commands/describe.js';
import { runExplain, type Explanation } from '../commands/explain.js';
import { runProxyConfig } from '../commands/proxy-config.js';
import { runProxyStatus } from '../commands/proxy-status.js';
import {
  CLIENT,
  NACK_TEXT,
  PRODUCTPAGE,
  REJECTER,
  startLiveMesh,
  who,
  type LiveMesh,
} from './live-mesh.js';
import { recordOutput } from './record-output.js';

const GREETER = 'greeter.default.svc.cluster.local';
const GREETER_URL = `http://${GREETER}:3000/test.Echo/Who`;

/** A table's body rows as cells (columns are separated by runs of 2+ spaces). */
function rows(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => l.split(/ {2,}/));
}

const header = (table: string): string[] => table.split('\n')[0].split(/ {2,}/);

describe('operator tools against a live mesh', () => {
  let mesh: LiveMesh;
  let server: string;

  beforeAll(async () => {
    mesh = await startLiveMesh();
    server = mesh.debugUrl;
    // The first call walks LDS → RDS → CDS → EDS.
    expect(await who(mesh.greeter)).toMatch(/^v[13]$/);
    await mesh.waitFor('every proxy synced or rejected', (list) => {
      const by = (n: string) => list.find((p) => p.name === n);
      const c = by(CLIENT);
      return (
        c !== undefined &&
        [c.cds, c.lds, c.eds, c.rds].every((t) => t.state === 'SYNCED') &&
        by(REJECTER)?.lds.state === 'ERROR' &&
        by(PRODUCTPAGE)?.rds.state === 'SYNCED'
      );
    });
  }, 30_000);

  afterAll(async () => {
    await mesh?.stop();
  });

  it('proxy-status: SYNCED rows for connected clients, ERROR with the NACK text', async () => {
    const r = await runProxyStatus(undefined, { server, colour: false });
    recordOutput('proxy-status', r.stdout);
    expect(r.exitCode).toBe(0);
    expect(header(r.stdout)).toEqual([
      'NAME',
      'CLUSTER',
      'CDS',
      'LDS',
      'EDS',
      'RDS',
      'ISTIOD',
      'VERSION',
    ]);
    const byName = new Map(rows(r.stdout).map((row) => [row[0], row]));
    expect([...byName.keys()]).toEqual([CLIENT, PRODUCTPAGE, REJECTER]);
    const client = byName.get(CLIENT) ?? [];
    for (const cell of client.slice(2, 6)) expect(cell).toMatch(/^SYNCED \(\d+s\)$/);
    expect(client[1]).toBe('Kubernetes');
    expect(client[7]).toBe('1.24.0');
    for (const cell of byName.get(PRODUCTPAGE)?.slice(2, 6) ?? []) expect(cell).toMatch(/^SYNCED/);
    const rejecter = byName.get(REJECTER) ?? [];
    expect(rejecter[2]).toMatch(/^SYNCED/);
    expect(rejecter[3]).toBe(`ERROR: ${NACK_TEXT}`);
    expect(rejecter.slice(4, 6)).toEqual(['NOT SENT', 'NOT SENT']);
  });

  it('proxy-status -o json is the syncz data, for scripts', async () => {
    const r = await runProxyStatus(undefined, { server, output: 'json' });
    const list = JSON.parse(r.stdout) as { name: string; lds: { state: string; error?: string } }[];
    expect(list.find((p) => p.name === REJECTER)?.lds).toMatchObject({
      state: 'ERROR',
      error: NACK_TEXT,
    });
  });

  it('proxy-status <pod>: ACKed resources vs what the server would send now', async () => {
    const synced = await runProxyStatus(CLIENT, { server, colour: false });
    recordOutput('proxy-status-client', synced.stdout);
    expect(synced.stdout).toMatch(/^CDS {2}SYNCED +Clusters Match \(3 resources/m);
    expect(synced.stdout).toMatch(/^RDS {2}SYNCED +Routes Match \(1 resources/m);
    expect(synced.stdout).toContain('In sync: the proxy runs what the server would send now.');

    const rejected = await runProxyStatus(REJECTER, { server, colour: false });
    recordOutput('proxy-status-rejecter', rejected.stdout);
    expect(rejected.stdout).toContain(`LDS  ERROR: ${NACK_TEXT}`);
    expect(rejected.stdout).toContain("Listeners Don't Match: proxy ACKed 0");
    expect(rejected.stdout).toMatch(/^ {4}\+ 0\.0\.0\.0_9080 {2}added$/m);
    expect(rejected.stdout).toContain('Out of sync.');
  });

  it('proxy-config cluster: istioctl columns, filters, the DestinationRule', async () => {
    const all = await runProxyConfig('cluster', PRODUCTPAGE, { server });
    expect(header(all.stdout)).toEqual([
      'SERVICE FQDN',
      'PORT',
      'SUBSET',
      'DIRECTION',
      'TYPE',
      'DESTINATION RULE',
    ]);
    expect(rows(all.stdout)).toContainEqual(['BlackHoleCluster', '-', '-', '-', 'STATIC', '-']);
    const reviews = await runProxyConfig('cluster', PRODUCTPAGE, {
      server,
      fqdn: 'reviews',
      direction: 'outbound',
    });
    recordOutput('proxy-config-cluster', reviews.stdout);
    expect(rows(reviews.stdout)).toEqual([
      ['reviews.default.svc.cluster.local', '9080', '-', 'outbound', 'EDS', 'reviews.default'],
      ['reviews.default.svc.cluster.local', '9080', 'v1', 'outbound', 'EDS', 'reviews.default'],
      ['reviews.default.svc.cluster.local', '9080', 'v2', 'outbound', 'EDS', 'reviews.default'],
      ['reviews.default.svc.cluster.local', '9080', 'v3', 'outbound', 'EDS', 'reviews.default'],
    ]);
    const v2 = await runProxyConfig('cluster', PRODUCTPAGE, {
      server,
      fqdn: 'reviews',
      subset: 'v2',
    });
    expect(rows(v2.stdout)).toHaveLength(1);
  });

  it('proxy-config route: route rows name the VirtualService', async () => {
    const r = await runProxyConfig('route', PRODUCTPAGE, { server, name: '9080' });
    recordOutput('proxy-config-route', r.stdout);
    expect(header(r.stdout)).toEqual(['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE']);
    const reviews = rows(r.stdout).filter(
      (row) => row[1] === 'reviews.default.svc.cluster.local:9080',
    );
    expect(reviews).toEqual([
      [
        '9080',
        'reviews.default.svc.cluster.local:9080',
        'reviews.default.svc.cluster.local + 4 more...',
        '/* (end-user=jason)',
        'reviews.default',
      ],
      [
        '9080',
        'reviews.default.svc.cluster.local:9080',
        'reviews.default.svc.cluster.local + 4 more...',
        '/*',
        'reviews.default',
      ],
    ]);
    // A service without a VirtualService gets istiod's default route, with no VS behind it.
    expect(rows(r.stdout)).toContainEqual([
      '9080',
      'ratings.default.svc.cluster.local:9080',
      'ratings.default.svc.cluster.local + 4 more...',
      '/*',
      '-',
    ]);
  });

  it('proxy-config listener and endpoint', async () => {
    const l = await runProxyConfig('listener', PRODUCTPAGE, { server, port: '9080' });
    recordOutput('proxy-config-listener', l.stdout);
    expect(header(l.stdout)).toEqual(['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION']);
    expect(rows(l.stdout).some((row) => row[0] === '0.0.0.0' && row[3] === 'Route: 9080')).toBe(
      true,
    );

    const e = await runProxyConfig('endpoint', CLIENT, {
      server,
      cluster: `outbound|3000|v2|${GREETER}`,
    });
    recordOutput('proxy-config-endpoint', e.stdout);
    expect(header(e.stdout)).toEqual(['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER']);
    expect(rows(e.stdout)).toHaveLength(1);
    expect(rows(e.stdout)[0]).toEqual([
      expect.stringMatching(/^127\.0\.0\.3:\d+$/),
      'HEALTHY',
      'OK',
      `outbound|3000|v2|${GREETER}`,
    ]);
  });

  it('proxy-config -o json prints raw Envoy resources; -f reads a saved dump offline', async () => {
    const raw = await runProxyConfig('cluster', CLIENT, {
      server,
      output: 'json',
      subset: 'v2',
      fqdn: 'greeter',
    });
    const clusters = JSON.parse(raw.stdout) as { name: string; type: string }[];
    expect(clusters.map((c) => [c.name, c.type])).toEqual([[`outbound|3000|v2|${GREETER}`, 'EDS']]);

    const dump = await runProxyConfig('all', PRODUCTPAGE, { server, output: 'json' });
    const dir = mkdtempSync(path.join(tmpdir(), 'dump-'));
    const file = path.join(dir, 'productpage.json');
    writeFileSync(file, dump.stdout);
    try {
      const online = await runProxyConfig('route', PRODUCTPAGE, { server });
      const offline = await runProxyConfig('route', undefined, { file });
      expect(offline.exitCode).toBe(0);
      expect(offline.stdout).toBe(online.stdout);
      const explained = await runExplain(PRODUCTPAGE, 'http://reviews:9080/reviews/0', {
        file,
        header: ['end-user: jason'],
        output: 'json',
      });
      expect((JSON.parse(explained.stdout) as Explanation).clusters.map((c) => c.name)).toEqual([
        'outbound|9080|v2|reviews.default.svc.cluster.local',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('proxy-config reports an unknown proxy and an unknown type', async () => {
    const missing = await runProxyConfig('cluster', 'nobody.default', { server });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/not connected/);
    const bad = await runProxyConfig('clusters', PRODUCTPAGE, { server });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/unknown config type/);
  });

  it('explain: jason goes to v2, as real gRPC traffic does', async () => {
    const r = await runExplain(CLIENT, GREETER_URL, {
      server,
      header: ['end-user: jason'],
      colour: false,
    });
    recordOutput('explain-grpc-jason', r.stdout);
    expect(r.exitCode).toBe(0);
    const e = JSON.parse(
      (
        await runExplain(CLIENT, GREETER_URL, {
          server,
          header: ['end-user: jason'],
          output: 'json',
        })
      ).stdout,
    ) as Explanation;
    expect(e.outcome).toBe('route');
    expect(e.steps.map((s) => s.step)).toEqual([
      'listener',
      'route config',
      'virtual host',
      'route',
      'cluster',
      'endpoints',
    ]);
    expect(e.steps[0].name).toBe(`${GREETER}:3000`);
    expect(e.steps.find((s) => s.step === 'route')?.istio).toBe('VirtualService greeter.default');
    expect(e.clusters).toHaveLength(1);
    expect(e.clusters[0].name).toBe(`outbound|3000|v2|${GREETER}`);

    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(await who(mesh.greeter, { 'end-user': 'jason' }));
    expect([...seen]).toEqual(['v2']);
  });

  it('explain: others get weighted v1 90 / v3 10, matching the real distribution', async () => {
    const r = await runExplain(CLIENT, GREETER_URL, {
      server,
      header: ['end-user: bob'],
      colour: false,
    });
    recordOutput('explain-grpc-bob', r.stdout);
    const e = JSON.parse(
      (await runExplain(CLIENT, GREETER_URL, { server, header: ['end-user: bob'], output: 'json' }))
        .stdout,
    ) as Explanation;
    expect(e.clusters.map((c) => [c.name, c.weight])).toEqual([
      [`outbound|3000|v1|${GREETER}`, 90],
      [`outbound|3000|v3|${GREETER}`, 10],
    ]);
    expect(e.steps.find((s) => s.step === 'route')?.skipped).toEqual([
      '#0: header end-user does not match',
    ]);
    const counts: Record<string, number> = {};
    const calls = await Promise.all(
      Array.from({ length: 300 }, () => who(mesh.greeter, { 'end-user': 'bob' })),
    );
    for (const v of calls) counts[v] = (counts[v] ?? 0) + 1;
    expect(counts.v2).toBeUndefined();
    // 90/10 of 300: v1 ≈ 270, v3 ≈ 30; bounds are far outside binomial noise.
    expect(counts.v1).toBeGreaterThan(230);
    expect(counts.v3).toBeGreaterThan(8);
  });

  it('explain on a sidecar: listener → filter chain → RDS → vhost → route, and why not earlier routes', async () => {
    const r = await runExplain(PRODUCTPAGE, 'http://reviews:9080/reviews/0', {
      server,
      colour: false,
    });
    recordOutput('explain-sidecar', r.stdout);
    const e = JSON.parse(
      (await runExplain(PRODUCTPAGE, 'http://reviews:9080/reviews/0', { server, output: 'json' }))
        .stdout,
    ) as Explanation;
    expect(e.steps.map((s) => [s.step, s.name])).toEqual(
      expect.arrayContaining([
        ['listener', '0.0.0.0_9080'],
        ['route config', '9080'],
        ['virtual host', 'reviews.default.svc.cluster.local:9080'],
        ['cluster', 'outbound|9080|v1|reviews.default.svc.cluster.local'],
      ]),
    );
    expect(e.steps.some((s) => s.step === 'filter chain')).toBe(true);
    expect(e.steps.find((s) => s.step === 'route')?.skipped).toEqual([
      '#0: header end-user does not match',
    ]);
  });

  it('describe pod: services, DestinationRule with matching subsets, VirtualService', async () => {
    const r = await runDescribe('pod', 'reviews-v2-0.default', { server, colour: false });
    recordOutput('describe-reviews-v2', r.stdout);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Service: reviews.default (reviews.default.svc.cluster.local)');
    expect(r.stdout).toContain(
      'DestinationRule: reviews.default for "reviews.default.svc.cluster.local"',
    );
    expect(r.stdout).toContain('   Matching subsets: v2');
    expect(r.stdout).toContain('      (Non-matching subsets v1, v3)');
    expect(r.stdout).toContain('VirtualService: reviews.default');
    expect(r.stdout).toContain('http[0]: header end-user=jason → route to reviews subset v2 100%');
    expect(r.stdout).toContain('Effective PeerAuthentication: workload mTLS mode PERMISSIVE');

    const client = JSON.parse(
      (await runDescribe('pod', CLIENT, { server, output: 'json' })).stdout,
    ) as { connected: boolean; proxyKind: string };
    expect(client).toMatchObject({ connected: true, proxyKind: 'proxyless gRPC' });
    const missing = await runDescribe('pod', 'ghost-0.default', { server });
    expect(missing.exitCode).toBe(1);
  });
});
