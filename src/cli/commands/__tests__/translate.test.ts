// `mini-istiod translate`: offline translation of a config directory for one node id.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseLabelList, runTranslate } from '../translate.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const world = path.join(repoRoot, 'testdata', 'in', '_worlds', 'bookinfo.yaml');
const gateway = path.join(repoRoot, 'testdata', 'bookinfo', 'networking', 'bookinfo-gateway.yaml');
const GW_NODE =
  'router~10.244.9.10~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local';

type Dump = { configs: { '@type': string; dynamic_listeners?: { name: string }[] }[] };

describe('mini-istiod translate', () => {
  it('prints the gateway config as an Envoy config dump (json)', async () => {
    const r = await runTranslate({ file: [world, gateway], nodeId: GW_NODE });
    expect(r.exitCode).toBe(0);
    const dump = JSON.parse(r.stdout ?? '') as Dump;
    expect(dump.configs).toHaveLength(4);
    expect(dump.configs[0]['@type']).toBe('type.googleapis.com/envoy.admin.v3.ListenersConfigDump');
    expect(dump.configs[0].dynamic_listeners?.map((l) => l.name)).toEqual(['0.0.0.0_8080']);
  });

  it('prints yaml with -o yaml and takes labels from --labels', async () => {
    const r = await runTranslate({
      file: [world, gateway],
      nodeId: 'router~10.9.9.9~other-0.istio-system~istio-system.svc.cluster.local',
      labels: 'istio=ingressgateway,app=gw',
      output: 'yaml',
    });
    expect(r.exitCode).toBe(0);
    const dump = parse(r.stdout ?? '') as Dump;
    expect(dump.configs[0].dynamic_listeners?.map((l) => l.name)).toEqual(['0.0.0.0_8080']);
  });

  it('reports invalid resources with file and field, skips them, and still translates', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'translate-'));
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: broken, namespace: default}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews}, weight: "abc"}]}]
`,
    );
    const r = await runTranslate({ file: [world, gateway, bad], nodeId: GW_NODE });
    expect(r.exitCode).toBe(0);
    expect(r.stderr.join('\n')).toMatch(/bad\.yaml.*VirtualService default\/broken.*weight/);
    expect(JSON.parse(r.stdout ?? '')).toHaveProperty('configs');
  });

  it('rejects a malformed node id, bad metadata and bad labels with exit code 2', async () => {
    const badId = await runTranslate({
      file: [world],
      nodeId: 'gateway~1.2.3.4~x.default~default.svc.cluster.local',
    });
    expect(badId.exitCode).toBe(2);
    expect(badId.stdout).toBeUndefined();
    expect(badId.stderr.join('\n')).toMatch(/proxy type "gateway"/);
    const badMeta = await runTranslate({ file: [world], nodeId: GW_NODE, metadata: '[1]' });
    expect(badMeta).toMatchObject({ exitCode: 2, stderr: ['--metadata: expected a JSON object'] });
    expect(parseLabelList('a=1,b')).toBe('--labels: "b" is not key=value');
    expect(parseLabelList('a=1, b=2')).toEqual({ a: '1', b: '2' });
  });
});
