// The server under adverse conditions, with clients calling all along: invalid config files
// (a new broken file, and a broken edit of a file in use) leave traffic untouched and are
// reported by /debug/configz with file and field; /debug/syncz shows every client SYNCED per
// type; a server killed and restarted on the same ports is rejoined and serves new config; and
// SIGTERM ends the process with exit code 0 within seconds while clients are connected.
import { virtualServiceDoc } from '../support/config-dir.js';
import { BackgroundLoad, Mesh, pollUntil, ROUTES_FILE } from '../support/mesh-harness.js';
import type { ProxySync, TypeSync } from '../../src/debug/sync-status.js';
import type { MeshClient } from '../support/xds-client.js';

const toSubset = (subset: string) =>
  virtualServiceDoc('reviews', [
    { name: `to-${subset}`, route: [{ destination: { host: 'reviews', subset } }] },
  ]);

interface Configz {
  errors: { source: { file: string }; field?: string; severity: string; text: string }[];
}

describe('resilience of the xDS server with running clients', () => {
  let mesh: Mesh;
  let client: MeshClient;
  let load: BackgroundLoad;

  beforeAll(async () => {
    mesh = await Mesh.start({ initialRoutes: [toSubset('v2')] });
    client = mesh.client();
    expect((await client.call()).version).toBe('v2');
    const loadClient = mesh.client({ app: 'ratings', version: 'v1' });
    expect((await loadClient.call()).code).toBe(0);
    load = new BackgroundLoad(loadClient, { concurrency: 2 });
  });

  afterAll(async () => {
    await load?.stop();
    await mesh?.close();
  });

  it('reports every client SYNCED for CDS, LDS, EDS and RDS with versions in /debug/syncz', async () => {
    const syncz = await mesh.server.getJson<ProxySync[]>('/debug/syncz');
    const ids = [
      client.nodeId,
      'sidecar~127.0.0.52~ratings-v1-2.default~default.svc.cluster.local',
    ];
    expect(syncz.map((p) => p.nodeId).sort()).toEqual(ids.sort());
    for (const p of syncz) {
      expect(p).toMatchObject({ generator: 'grpc', namespace: 'default', protocol: 'sotw' });
      for (const t of [p.cds, p.lds, p.eds, p.rds] as TypeSync[]) {
        expect(t.state).toBe('SYNCED');
        expect(t.sentVersion).toMatch(/\S/);
        expect(t.ackedVersion).toBe(t.sentVersion);
        expect(t.resources).toBe(1);
      }
      expect(p.sds.state).toBe('NOT SENT');
    }
  });

  it('ignores invalid files for traffic and reports them with file and field', async () => {
    // A new file with a schema error, and a broken edit of the VirtualService in force.
    mesh.config.write('broken-rule.yaml', [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'broken', namespace: 'default' },
        spec: { host: 'reviews', subsets: [{ name: 'v9', labels: 'not-a-map' }] },
      },
    ]);
    mesh.route(
      virtualServiceDoc('reviews', [
        { route: [{ destination: { host: 'reviews', subset: 'v3' }, weight: -30 }] },
      ]),
    );
    const { value: configz } = await pollUntil(
      () => mesh.server.getJson<Configz>('/debug/configz'),
      (c) =>
        c.errors.some((e) => e.source.file.endsWith('broken-rule.yaml')) &&
        c.errors.some((e) => e.source.file.endsWith(ROUTES_FILE)),
      { what: 'configz to report both files' },
    );
    const rule = configz.errors.find((e) => e.source.file.endsWith('broken-rule.yaml'));
    const vs = configz.errors.find((e) => e.source.file.endsWith(ROUTES_FILE));
    expect(rule?.field).toMatch(/^spec\.subsets\[0\]\.labels/);
    expect(vs?.field).toMatch(/^spec\.http\[0\]\.route\[0\]\.weight/);
    expect(vs?.severity).toBe('Error');

    // The last valid VirtualService stays in force: still all v2, nothing failed.
    const t = await client.run(500, { concurrency: 50 });
    expect(t.byVersion.get('v2')).toBe(500);
    expect(load.failures).toEqual([]);

    // Fixing the file applies it.
    mesh.config.remove('broken-rule.yaml');
    await pollUntil(
      () => client.run(20, { concurrency: 20 }),
      (r) => r.share('v3') === 1,
      { since: mesh.route(toSubset('v3')), what: 'the fixed VirtualService' },
    );
  });

  it('is rejoined by running clients after a restart on the same ports, and routing continues', async () => {
    const killed = await mesh.server.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    // With the control plane gone, clients keep serving from the config they have.
    const down = await client.run(200, { concurrency: 20 });
    expect(down.byVersion.get('v3')).toBe(200);

    // Config changed while the server was down is what the restarted server serves.
    mesh.route(toSubset('v1'));
    await mesh.server.launch();
    const rejoined = await pollUntil(
      () => client.run(20, { concurrency: 20 }),
      (r) => r.share('v1') === 1,
      { what: 'clients to rejoin the restarted server', timeoutMs: 20_000 },
    );
    console.log(
      `restart: clients routed by the new server ${Math.round(rejoined.ms)} ms after /ready`,
    );
    const after = await client.run(500, { concurrency: 50 });
    expect(after.byVersion.get('v1')).toBe(500);
    expect(load.failures).toEqual([]);

    const syncz = await pollUntil(
      () => mesh.server.getJson<ProxySync[]>('/debug/syncz'),
      (s) => s.length === 2 && s.every((p) => p.rds.state === 'SYNCED'),
      { what: 'both clients to be SYNCED again' },
    );
    expect(syncz.value.map((p) => p.nodeId)).toContain(client.nodeId);
  });

  it('exits 0 within a few seconds of SIGTERM with clients connected', async () => {
    const stats = await mesh.server.getJson<ProxySync[]>('/debug/syncz');
    expect(stats.length).toBe(2);
    const exit = await mesh.server.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(5000);
    // Clients keep their last config once the control plane is gone.
    expect((await client.call()).version).toBe('v1');
    expect(load.failures).toEqual([]);
  });
});
