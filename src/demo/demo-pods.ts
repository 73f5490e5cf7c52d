// The demo's workloads, read from the same config directory the server watches: every Pod with a
// `status.podIP` becomes one gRPC server on that IP, listening on the target ports of the Services
// whose selector matches the Pod's labels. Reading them from the config (rather than a hard-coded
// list) keeps what is served and what mini-istiod routes to in step when the user edits the YAML.
import { promises as fs } from 'node:fs';
import type { RawObject } from '../model/config.js';
import { parseConfigFile } from '../sources/file/parse.js';
import { walkConfigTree } from '../sources/file/walk-config-tree.js';

export interface DemoPod {
  name: string;
  namespace: string;
  ip: string;
  labels: Record<string, string>;
  /** `app` label, else the pod name: the service the workload answers for. */
  app: string;
  /** `version` label, else `unknown`. */
  version: string;
  /** Numeric target ports of the Services selecting this Pod, sorted, without duplicates. */
  ports: number[];
}

interface ServiceInfo {
  namespace: string;
  selector: Record<string, string>;
  targetPorts: number[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function metaOf(obj: RawObject): {
  name: string;
  namespace: string;
  labels: Record<string, string>;
} {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  return {
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default',
    labels: stringMap(meta.labels),
  };
}

/** A Service's target ports; a named (string) targetPort cannot be resolved here and is skipped. */
function serviceOf(obj: RawObject): ServiceInfo | undefined {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const selector = stringMap(spec.selector);
  if (Object.keys(selector).length === 0) return undefined;
  const ports = Array.isArray(spec.ports) ? spec.ports.filter(isRecord) : [];
  const targetPorts = ports
    .map((p) => (typeof p.targetPort === 'number' ? p.targetPort : p.port))
    .filter((p): p is number => typeof p === 'number');
  return { namespace: metaOf(obj).namespace, selector, targetPorts };
}

const selects = (svc: ServiceInfo, namespace: string, labels: Record<string, string>) =>
  svc.namespace === namespace && Object.entries(svc.selector).every(([k, v]) => labels[k] === v);

/** Every Pod of `objects` that has an IP and at least one port to serve. */
export function demoPodsOf(objects: readonly RawObject[]): DemoPod[] {
  const services = objects
    .filter((o) => o.kind === 'Service')
    .map(serviceOf)
    .filter((s): s is ServiceInfo => s !== undefined);
  const pods: DemoPod[] = [];
  for (const obj of objects) {
    if (obj.kind !== 'Pod') continue;
    const { name, namespace, labels } = metaOf(obj);
    const status = isRecord(obj.status) ? obj.status : {};
    if (typeof status.podIP !== 'string' || name === '') continue;
    const ports = [
      ...new Set(
        services.filter((s) => selects(s, namespace, labels)).flatMap((s) => s.targetPorts),
      ),
    ].sort((a, b) => a - b);
    if (ports.length === 0) continue;
    pods.push({
      name,
      namespace,
      ip: status.podIP,
      labels,
      app: labels.app ?? name,
      version: labels.version ?? 'unknown',
      ports,
    });
  }
  return pods;
}

/** Reads every config file below `dir` (files that do not parse are the server's to report). */
export async function readDemoPods(dir: string): Promise<DemoPod[]> {
  const { files } = await walkConfigTree(dir);
  const objects: RawObject[] = [];
  for (const file of files) {
    const parsed = parseConfigFile(file, await fs.readFile(file, 'utf8'));
    objects.push(...parsed.documents.map((d) => d.object));
  }
  return demoPodsOf(objects);
}
