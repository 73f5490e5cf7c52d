import { parseConfigFile } from '../../../src/sources/file/parse.js';
import { validateResource } from '../../../src/model/validation/validate-resource.js';
import { ConfigStore } from '../../../src/model/config-store.js';
import { buildPushContext } from '../../../src/model/build-push-context.js';
import { DEFAULT_MESH_CONFIG } from '../../../src/model/config.js';
import { parseProxy } from '../../../src/model/proxy-identity.js';
import {
  destinationRuleChange,
  endpointChurnStep,
  meshWideChange,
  virtualServiceWeightChange,
} from '../mesh-changes.js';
import { generateMesh, loopbackIp, type Mesh, type PodInfo } from '../mesh-generator.js';

function validate(files: Map<string, string>) {
  const kinds = new Map<string, number>();
  const errors: string[] = [];
  for (const [file, text] of files) {
    const parsed = parseConfigFile(file, text);
    errors.push(...parsed.errors.map((e) => `${file}: ${e.message}`));
    for (const d of parsed.documents) {
      const result = validateResource(d.object, d.source);
      if (!result.ok) errors.push(...result.errors.map((e) => `${file}: ${e.message}`));
      else kinds.set(result.value.kind, (kinds.get(result.value.kind) ?? 0) + 1);
    }
  }
  return { kinds, errors };
}

function storeOf(mesh: Mesh, extra = new Map<string, string>()) {
  const store = new ConfigStore();
  const all = new Map([...mesh.files, ...extra]);
  store.apply(
    [...all].map(([origin, text]) => ({
      origin,
      ...parseConfigFile(origin, text),
      parseErrors: [],
    })),
  );
  return store;
}

describe('generateMesh', () => {
  const mesh = generateMesh({
    services: 12,
    namespaces: 3,
    versions: 2,
    proxies: 30,
    sidecarScoping: true,
  });

  it('produces only valid resources of every kind the scenarios rely on', () => {
    const { kinds, errors } = validate(mesh.files);
    expect(errors).toEqual([]);
    expect(kinds.get('Service')).toBe(12);
    expect(kinds.get('Endpoints')).toBe(12);
    expect(kinds.get('DestinationRule')).toBe(12);
    // Half the services have a VirtualService, plus the gateway's.
    expect(kinds.get('VirtualService')).toBe(7);
    expect(kinds.get('Sidecar')).toBe(3);
    expect(kinds.get('Gateway')).toBe(1);
  });

  it('keeps the store free of errors and resolves every node to its pod', () => {
    const store = storeOf(mesh);
    expect(store.errors().filter((e) => e.severity === 'Error')).toEqual([]);
    const push = buildPushContext(store.snapshot(), DEFAULT_MESH_CONFIG, '1');
    // 30 sidecars need 2 replicas per version; each node is a distinct pod.
    expect(mesh.nodes).toHaveLength(31);
    expect(new Set(mesh.nodes.map((n) => n.id)).size).toBe(31);
    const sidecar = parseProxy(mesh.nodes[0].id, mesh.nodes[0].metadata, push);
    expect(sidecar.ok && sidecar.value.labels.version).toBe('v1');
    const gateway = mesh.nodes[mesh.nodes.length - 1];
    expect(gateway.id.startsWith('router~')).toBe(true);
  });

  it('omits Sidecars when scoping is off', () => {
    const unscoped = generateMesh({
      services: 4,
      namespaces: 2,
      versions: 1,
      proxies: 4,
      sidecarScoping: false,
    });
    expect([...unscoped.files.keys()].some((f) => f.endsWith('sidecar.yaml'))).toBe(false);
  });

  it('makes scenario changes that stay valid and change what they claim', () => {
    const vs = virtualServiceWeightChange(mesh);
    expect([...vs.values()][0]).toContain('weight: 50');
    const changes = [vs, destinationRuleChange(mesh), meshWideChange()];
    for (const c of changes) expect(validate(c).errors).toEqual([]);
    const store = storeOf(mesh, new Map(changes.flatMap((c) => [...c])));
    expect(store.errors().filter((e) => e.severity === 'Error')).toEqual([]);
  });

  it('churns endpoints by adding then removing a spare pod', () => {
    const state = new Map<string, PodInfo[]>();
    const first = mesh.services[0].name;
    const before = mesh.endpointPods.get(first)?.length ?? 0;
    const steps = Array.from({ length: mesh.services.length * 2 }, (_, i) =>
      endpointChurnStep(mesh, state, i),
    );
    // Step 0 added the spare, step 12 (same service, next round) removed it again.
    expect([...steps[0].values()][0]).toContain(`${first}-spare-0`);
    expect([...steps[mesh.services.length].values()][0]).not.toContain(`${first}-spare-0`);
    expect(state.get(first)).toHaveLength(before);
    expect(validate(steps[0]).errors).toEqual([]);
  });

  it('allocates distinct loopback addresses', () => {
    const ips = Array.from({ length: 70_000 }, (_, i) => loopbackIp(i));
    expect(new Set(ips).size).toBe(ips.length);
    expect(ips.every((ip) => /^127\.\d+\.\d+\.([1-9]\d*)$/.test(ip))).toBe(true);
  });
});
