// Memoized translation must be byte-identical to unmemoized translation for every proxy: each
// golden world is translated for every Pod in it (as a sidecar), the case's own proxy and the
// ingress gateway, all sharing one push so later proxies hit entries earlier ones built, and
// compared resource by resource with the same proxy translated with memoization switched off.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { toBinary } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../../gen/envoy/config/route/v3/route_pb.js';
import type { PushContext } from '../../../model/push-context.js';
import { parseProxy } from '../../../model/proxy-identity.js';
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import { goldenConfigText } from '../../__tests__/golden-case.js';
import { repoRoot } from '../../__tests__/world.js';
import { translateProxy } from '../../translate-proxy.js';
import type { ProxyResources } from '../../types.js';
import { memoStats, withoutMemo } from '../push-memo.js';

const inDir = path.join(repoRoot, 'testdata', 'in');
const cases = readdirSync(inDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

interface Subject {
  nodeId: string;
  metadata: Record<string, unknown>;
  listenerNames?: string[];
}

/** Every Pod of the world as a sidecar (pods with an IP), plus the gateway. */
function podSubjects(push: PushContext): Subject[] {
  const out: Subject[] = [];
  for (const r of push.snapshot.kube) {
    if (r.kind !== 'Pod') continue;
    const status = r.raw.status as { podIP?: string } | undefined;
    if (!status?.podIP) continue;
    const ns = r.metadata.namespace;
    const type = r.metadata.labels?.istio === 'ingressgateway' ? 'router' : 'sidecar';
    out.push({
      nodeId: `${type}~${status.podIP}~${r.metadata.name}.${ns}~${ns}.svc.cluster.local`,
      metadata: {},
    });
  }
  return out;
}

function bytesOf(res: ProxyResources): string[] {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  return [
    ...res.listeners.map((l) => `L ${l.name} ${hex(toBinary(ListenerSchema, l))}`),
    ...res.routes.map((r) => `R ${r.name} ${hex(toBinary(RouteConfigurationSchema, r))}`),
    ...res.clusters.map((c) => `C ${c.name} ${hex(toBinary(ClusterSchema, c))}`),
    ...res.endpoints.map(
      (e) => `E ${e.clusterName} ${hex(toBinary(ClusterLoadAssignmentSchema, e))}`,
    ),
  ];
}

describe('memoized translation equals unmemoized translation', () => {
  it.each(cases)('%s: every proxy of the world', (file) => {
    const { header, yaml } = goldenConfigText(inDir, file);
    const push = pushContextFromYaml(yaml);
    const metadata: Record<string, unknown> = { ...(header.metadata ?? {}) };
    if (header.labels) metadata.LABELS = header.labels;
    const subjects: Subject[] = [
      ...podSubjects(push),
      { nodeId: header.nodeId, metadata, listenerNames: header.listenerNames },
    ];
    const hitsBefore = memoStats.hits;
    let compared = 0;
    for (const s of subjects) {
      const parsed = parseProxy(s.nodeId, s.metadata, push);
      if (!parsed.ok) continue;
      const opts = { listenerNames: s.listenerNames };
      const memoized = bytesOf(translateProxy(parsed.value, push, opts));
      const plain = bytesOf(withoutMemo(() => translateProxy(parsed.value, push, opts)));
      expect({ nodeId: s.nodeId, resources: memoized }).toEqual({
        nodeId: s.nodeId,
        resources: plain,
      });
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
    // Proxies of one world share pieces: the memo was actually used, not bypassed.
    if (compared > 2) expect(memoStats.hits).toBeGreaterThan(hitsBefore);
  });
});
