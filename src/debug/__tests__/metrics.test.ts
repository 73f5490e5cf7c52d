// /metrics on a live server with a real gRPC client and a NACKing sidecar: the text parses as
// Prometheus exposition format and carries istiod's metric names with plausible values.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CLIENT,
  REJECTER,
  startLiveMesh,
  who,
  type LiveMesh,
} from '../../cli/__tests__/live-mesh.js';
import { recordOutput } from '../../cli/__tests__/record-output.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict parser of the text format: every line is a comment, blank, or `name{labels} value`. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type =
      /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+]+|NaN|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = l[2];
    }
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return { types, samples };
}

describe('/metrics', () => {
  let mesh: LiveMesh;

  beforeAll(async () => {
    mesh = await startLiveMesh();
    await who(mesh.greeter);
    await mesh.waitFor(
      'client synced and sidecar rejected',
      (list) =>
        list.some((p) => p.name === CLIENT && p.eds.state === 'SYNCED') &&
        list.some((p) => p.name === REJECTER && p.lds.state === 'ERROR'),
    );
  }, 30_000);

  afterAll(async () => {
    await mesh?.stop();
  });

  it('serves Prometheus text with istiod metric names', async () => {
    const res = await fetch(`${mesh.debugUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    recordOutput('metrics', text);
    const { types, samples } = parsePrometheus(text);
    expect(Object.fromEntries(types)).toMatchObject({
      pilot_xds: 'gauge',
      pilot_xds_pushes: 'counter',
      pilot_xds_push_time: 'histogram',
      pilot_proxy_convergence_time: 'histogram',
      pilot_total_xds_rejects: 'counter',
      pilot_xds_config_size_bytes: 'histogram',
      pilot_services: 'gauge',
      pilot_virt_services: 'gauge',
      pilot_k8s_cfg_events: 'counter',
      process_resident_memory_bytes: 'gauge',
      process_cpu_seconds_total: 'counter',
    });
    const get = (name: string, labels: Record<string, string> = {}) =>
      samples.find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value;
    // One gRPC client reporting 1.24.0; two fake sidecars without a version.
    expect(get('pilot_xds', { version: '1.24.0' })).toBe(1);
    expect(get('pilot_xds', { version: 'unknown' })).toBe(2);
    expect(get('pilot_total_xds_rejects', { type: 'lds' })).toBe(1);
    expect(get('pilot_xds_pushes', { type: 'cds' })).toBeGreaterThanOrEqual(3);
    // bookinfo (4 services) + greeter.
    expect(get('pilot_services')).toBe(5);
    expect(get('pilot_virt_services')).toBe(2);
    expect(get('pilot_k8s_cfg_events', { type: 'VirtualService', event: 'add' })).toBe(2);
    expect(get('pilot_k8s_cfg_events', { type: 'Pod', event: 'add' })).toBeGreaterThan(3);
    const sizeCount = get('pilot_xds_config_size_bytes_count', { type: 'lds' }) ?? 0;
    expect(sizeCount).toBeGreaterThanOrEqual(3);
    expect(get('pilot_xds_config_size_bytes_bucket', { type: 'lds', le: '+Inf' })).toBe(sizeCount);
    expect(get('pilot_proxy_convergence_time_count')).toBeGreaterThan(0);
    expect(get('process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
  });

  it('counts pushes in pilot_xds_push_time after a config change', async () => {
    const before = await (await fetch(`${mesh.debugUrl}/metrics`)).text();
    const count = (t: string) =>
      parsePrometheus(t).samples.find((s) => s.name === 'pilot_xds_push_time_count')?.value ?? 0;
    writeFileSync(
      path.join(mesh.configDir, 'extra.yaml'),
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: extra, namespace: default}\nspec: {host: ratings}\n',
    );
    const deadline = Date.now() + 10_000;
    let after = before;
    while (count(after) <= count(before) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      after = await (await fetch(`${mesh.debugUrl}/metrics`)).text();
    }
    expect(count(after)).toBeGreaterThan(count(before));
    const drAdds = (t: string) =>
      parsePrometheus(t).samples.find(
        (s) =>
          s.name === 'pilot_k8s_cfg_events' &&
          s.labels.type === 'DestinationRule' &&
          s.labels.event === 'add',
      )?.value ?? 0;
    expect(drAdds(after)).toBe(drAdds(before) + 1);
  });
});
