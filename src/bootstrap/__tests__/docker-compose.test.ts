// docker-compose.yml and the files it relies on: committed bootstraps equal what
// `mini-istiod bootstrap` prints today and validate, every Envoy's node id names a Pod of the
// mounted config at the container's fixed address, images are pinned, and `docker compose
// config` accepts the file when the tool is installed (containers are never started).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fromJson } from '@bufbuild/protobuf';
import { parse, parseAllDocuments } from 'yaml';
import { BootstrapSchema } from '../../gen/envoy/config/bootstrap/v3/bootstrap_pb.js';
import { validateMessage } from '../../proto/pgv/index.js';
import { registry } from '../../proto/registry.js';
import { runBootstrap } from '../../cli/commands/bootstrap.js';
import { runTranslate } from '../../cli/commands/translate.js';
import { DOCKER_NODES } from './docker-nodes.js';
import { repoRoot } from './repo-root.js';

const DOCKER = path.join(repoRoot, 'examples', 'docker');
const CONFIG = path.join(DOCKER, 'config');

interface ComposeService {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  network_mode?: string;
  volumes?: string[];
  networks?: Record<string, { ipv4_address?: string } | null>;
  depends_on?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  networks: Record<string, { ipam?: { config?: { subnet: string }[] } }>;
}

const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as Compose;

interface PodDoc {
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  status: { podIP: string };
}
const pods = ['pods.yaml']
  .flatMap((f) => parseAllDocuments(readFileSync(path.join(CONFIG, f), 'utf8')))
  .map((d) => d.toJS() as PodDoc | null)
  .filter((d): d is PodDoc => d?.kind === 'Pod');

/** host path → container path of a service's bind mounts. */
function mounts(service: ComposeService): Map<string, string> {
  return new Map(
    (service.volumes ?? []).map((v) => {
      const [host, container] = v.split(':');
      return [path.resolve(repoRoot, host), container];
    }),
  );
}

function ipOf(name: string): string | undefined {
  const nets = compose.services[name]?.networks ?? {};
  return Object.values(nets).find((n) => n?.ipv4_address)?.ipv4_address ?? undefined;
}

/** The Envoy service that loads a given bootstrap file. */
function envoyServiceFor(file: string): [string, ComposeService] {
  const hostPath = path.join(DOCKER, 'bootstrap', file);
  const found = Object.entries(compose.services).find(([, s]) => mounts(s).has(hostPath));
  if (!found) throw new Error(`no compose service mounts ${file}`);
  return found;
}

describe('docker-compose demo', () => {
  it.each(DOCKER_NODES.map((n) => [n.file, n] as const))(
    'bootstrap %s equals a fresh `mini-istiod bootstrap` and validates',
    (file, n) => {
      const committed = readFileSync(path.join(DOCKER, 'bootstrap', file), 'utf8');
      const fresh = runBootstrap(n.args);
      expect(fresh.exitCode).toBe(0);
      expect(committed).toBe(fresh.stdout);
      const decoded = fromJson(BootstrapSchema, JSON.parse(committed), { registry });
      expect(validateMessage(BootstrapSchema, decoded)).toEqual([]);
    },
  );

  it('runs every bootstrap in a pinned Envoy that shares its workload network namespace', () => {
    for (const n of DOCKER_NODES) {
      const [name, envoy] = envoyServiceFor(n.file);
      expect(envoy.image).toMatch(/^envoyproxy\/envoy:v\d+\.\d+\.\d+$/);
      expect([...mounts(envoy).values()]).toContain('/etc/envoy/bootstrap.json');
      if (name !== n.appService) {
        expect(envoy.network_mode).toBe(`service:${n.appService}`);
        expect(envoy.depends_on).toEqual(expect.arrayContaining([n.appService, 'mini-istiod']));
      }
    }
  });

  it("names in each node id a Pod of the config at its container's fixed IP", () => {
    const subnet = compose.networks.mesh.ipam?.config?.[0].subnet;
    expect(subnet).toBe('172.28.0.0/16');
    for (const n of DOCKER_NODES) {
      const [, ip, podDotNs] = n.args.nodeId.split('~');
      const pod = pods.find((p) => `${p.metadata.name}.${p.metadata.namespace}` === podDotNs);
      expect(pod?.status.podIP).toBe(ip);
      expect(ipOf(n.appService)).toBe(ip);
      expect(ip.startsWith('172.28.')).toBe(true);
      const labels = Object.fromEntries(
        (n.args.labels ?? '').split(',').map((kv) => kv.split('=')),
      );
      expect(labels).toEqual(pod?.metadata.labels);
    }
  });

  it('builds the apps from examples/docker with pinned base images and mounts the config', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build === undefined) {
        expect(s.image).toMatch(/:v?\d+\.\d+\.\d+$/);
        continue;
      }
      const context = typeof s.build === 'string' ? s.build : s.build.context;
      const dockerfile =
        typeof s.build === 'string' ? 'Dockerfile' : (s.build.dockerfile ?? 'Dockerfile');
      if (name === 'mini-istiod') continue; // the repository's own Dockerfile
      const text = readFileSync(path.join(repoRoot, context, dockerfile), 'utf8');
      expect(text).toMatch(/^FROM node:\d+\.\d+\.\d+-alpine$/m);
      expect(existsSync(path.join(repoRoot, context, 'server.mjs'))).toBe(true);
    }
    const istiod = compose.services['mini-istiod'];
    expect(istiod.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(mounts(istiod).get(CONFIG)).toBe('/config');
  });

  it("the image's build stage copies every script `npm run gen` and `npm run build` run", () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const scripts = [pkg.scripts.gen, pkg.scripts.build]
      .flatMap((cmd) => cmd?.match(/scripts\/[\w.-]+\.mjs/g) ?? [])
      .sort();
    expect(scripts).toEqual(['scripts/build-native.mjs', 'scripts/gen-protos.mjs']);
    const copied = [...dockerfile.matchAll(/^COPY (.+) \.\/scripts\/$/gm)].flatMap((m) =>
      m[1].split(/\s+/),
    );
    for (const script of scripts) expect(copied).toContain(script);
    // The compiler the native module needs is installed before the build runs.
    expect(dockerfile.indexOf('gcc libc6-dev')).toBeGreaterThan(-1);
    expect(dockerfile.indexOf('gcc libc6-dev')).toBeLessThan(dockerfile.indexOf('npm run build'));
  });

  it('the mounted config loads without errors for every Envoy', async () => {
    for (const n of DOCKER_NODES) {
      const r = await runTranslate({ file: [CONFIG], nodeId: n.args.nodeId });
      expect(r.exitCode).toBe(0);
      expect(r.stderr.filter((l) => !l.startsWith('Warning'))).toEqual([]);
    }
  });

  it('`docker compose config -q` accepts the file when docker compose is installed', () => {
    const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    const available = probe.status === 0;
    if (available) {
      const r = spawnSync('docker', ['compose', '-f', 'docker-compose.yml', 'config', '-q'], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } else {
      // Without the tool, at least the structure compose requires must hold.
      expect(Object.keys(compose.services).length).toBeGreaterThan(0);
      for (const s of Object.values(compose.services)) {
        expect(s.image !== undefined || s.build !== undefined).toBe(true);
        expect(s.network_mode === undefined || s.networks === undefined).toBe(true);
      }
    }
  });
});
