// Runs every istio-cases expectation about clusters and endpoints (README of the cases: a null
// value means absent or empty; lists compare exactly, endpoint lists in any order).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { JsonObject, JsonValue } from '@bufbuild/protobuf';

import { buildEndpoints } from '../../endpoint/build-endpoints.js';
import { buildClusters } from '../build-clusters.js';
import { clusterJson, endpointAddresses, world } from './helpers.js';

interface IstioCase {
  id: string;
  config_yaml: string;
  proxy: {
    type: string;
    namespace: string;
    pod: string;
    ip: string;
    labels?: Record<string, string>;
    node_metadata?: Record<string, unknown>;
  };
  request?: { cds_resource_names?: string[] };
  expect: {
    clusters?: Record<string, Record<string, JsonValue>>;
    endpoints?: Record<string, string[]>;
  };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const local = path.join(repoRoot, 'testdata', 'istio-cases', 'cases.json');
const shared = path.join(repoRoot, '..', 'shared', 'istio-cases', 'cases.json');
const casesFile = fs.existsSync(local) ? local : shared;
const allCases = (JSON.parse(fs.readFileSync(casesFile, 'utf8')) as { cases: IstioCase[] }).cases;
const cases = allCases.filter(
  (c) => c.expect.clusters !== undefined || c.expect.endpoints !== undefined,
);

/** Proto3 JSON drops zero enums; these are the zero values of the enums the cases assert. */
const ZERO_ENUMS: Record<string, string> = { type: 'STATIC', lb_policy: 'ROUND_ROBIN' };

function isEmpty(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function translate(c: IstioCase) {
  const grpc = c.proxy.type === 'proxyless-grpc';
  const { push, proxy } = world(
    c.config_yaml,
    {
      type: c.proxy.type === 'router' ? 'router' : 'sidecar',
      ip: c.proxy.ip,
      pod: c.proxy.pod,
      namespace: c.proxy.namespace,
    },
    {
      LABELS: c.proxy.labels,
      ...(c.proxy.node_metadata ?? {}),
      ...(grpc ? { GENERATOR: 'grpc' } : {}),
    },
  );
  const clusters = buildClusters(proxy, push, { names: c.request?.cds_resource_names });
  const endpoints = buildEndpoints(proxy, push);
  return { clusters, endpoints };
}

describe('istio-cases: clusters and endpoints', () => {
  it('found cases with cluster or endpoint expectations', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  describe.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const out = translate(c);

    for (const [name, fields] of Object.entries(c.expect.clusters ?? {})) {
      it(`cluster ${name}`, () => {
        const cluster = out.clusters.find((x) => x.name === name);
        if (fields.present === false) {
          expect(cluster).toBeUndefined();
          return;
        }
        expect(cluster).toBeDefined();
        if (cluster === undefined) return;
        const json: JsonObject = clusterJson(cluster);
        for (const [key, want] of Object.entries(fields)) {
          if (key === 'present') continue;
          const got = json[key] ?? ZERO_ENUMS[key];
          if (want === null) expect(isEmpty(json[key])).toBe(true);
          else expect(got).toEqual(want);
        }
      });
    }

    for (const [name, want] of Object.entries(c.expect.endpoints ?? {})) {
      it(`endpoints ${name}`, () => {
        const cla = out.endpoints.find((e) => e.clusterName === name);
        expect(cla).toBeDefined();
        if (cla === undefined) return;
        expect(endpointAddresses(cla).sort()).toEqual([...want].sort());
      });
    }
  });
});
