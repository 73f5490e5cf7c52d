// Golden tests: each testdata/in/<case>.yaml is translated for the proxy its header names and
// compared with testdata/out/<case>/{listeners,routes,clusters,endpoints}.yaml (Envoy proto
// JSON as YAML). Regenerate after an intended change with
//   UPDATE_GOLDEN=1 npm run test:unit -- src/translate/__tests__/golden.test.ts
// and review the diff by hand. Every generated resource must also pass PGV validation and the
// consistency check.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { parseProxy } from '../../model/proxy-identity.js';
import { pushContextFromYaml } from '../../model/testing/snapshot-from-yaml.js';
import { toEnvoyJson } from '../../proto/envoy-json.js';
import { translateProxy } from '../translate-proxy.js';
import type { ProxyResources } from '../types.js';
import { goldenConfigText } from './golden-case.js';
import { consistencyProblems, pgvProblems } from './resource-checks.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const inDir = path.join(repoRoot, 'testdata', 'in');
const outDir = path.join(repoRoot, 'testdata', 'out');
const update = process.env.UPDATE_GOLDEN === '1';

const caseFiles = readdirSync(inDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function translateCase(file: string): ProxyResources {
  const { header, yaml } = goldenConfigText(inDir, file);
  const push = pushContextFromYaml(yaml);
  const metadata: Record<string, unknown> = { ...(header.metadata ?? {}) };
  if (header.labels) metadata.LABELS = header.labels;
  const proxy = parseProxy(header.nodeId, metadata, push);
  if (!proxy.ok) throw new Error(`${file}: ${proxy.error}`);
  return translateProxy(proxy.value, push, { listenerNames: header.listenerNames });
}

function rendered(res: ProxyResources): Record<string, string> {
  const yaml = (v: unknown): string => stringify(v, { lineWidth: 0 });
  return {
    'listeners.yaml': yaml(res.listeners.map((l) => toEnvoyJson(ListenerSchema, l))),
    'routes.yaml': yaml(res.routes.map((r) => toEnvoyJson(RouteConfigurationSchema, r))),
    'clusters.yaml': yaml(res.clusters.map((c) => toEnvoyJson(ClusterSchema, c))),
    'endpoints.yaml': yaml(res.endpoints.map((e) => toEnvoyJson(ClusterLoadAssignmentSchema, e))),
  };
}

describe('golden translation', () => {
  it('has golden cases', () => {
    expect(caseFiles.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(caseFiles)('%s', (file) => {
    const name = file.replace(/\.yaml$/, '');
    const res = translateCase(file);
    const files = rendered(res);

    it.each(Object.keys(files))('%s matches testdata/out', (kind) => {
      const target = path.join(outDir, name, kind);
      if (update) {
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, files[kind]);
      }
      expect(existsSync(target)).toBe(true);
      expect(files[kind]).toEqual(readFileSync(target, 'utf8'));
    });

    it('passes PGV validation and the consistency check', () => {
      expect(res.listeners.length).toBeGreaterThan(0);
      expect(pgvProblems(res)).toEqual([]);
      expect(consistencyProblems(res)).toEqual([]);
    });
  });
});
