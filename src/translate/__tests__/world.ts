// The bookinfo world of the golden cases (testdata/in/_worlds/bookinfo.yaml) plus extra YAML,
// translated for one proxy: shared by the simulator, consistency and config-dump tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProxy } from '../../model/proxy-identity.js';
import { pushContextFromYaml } from '../../model/testing/snapshot-from-yaml.js';
import { translateProxy } from '../translate-proxy.js';
import type { ProxyResources } from '../types.js';

export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
);

export function testdata(...parts: string[]): string {
  return readFileSync(path.join(repoRoot, 'testdata', ...parts), 'utf8');
}

export const BOOKINFO = testdata('in', '_worlds', 'bookinfo.yaml');
export const PRODUCTPAGE = 'sidecar~10.244.1.41~productpage-v1-0.default~default.svc.cluster.local';
export const REVIEWS_V1 = 'sidecar~10.244.1.31~reviews-v1-0.default~default.svc.cluster.local';
export const GATEWAY =
  'router~10.244.9.10~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local';

export function translateBookinfo(nodeId: string, ...extra: string[]): ProxyResources {
  const push = pushContextFromYaml([BOOKINFO, ...extra].join('\n---\n'));
  const proxy = parseProxy(nodeId, {}, push);
  if (!proxy.ok) throw new Error(proxy.error);
  return translateProxy(proxy.value, push);
}
