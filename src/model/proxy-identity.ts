// Who is asking: parses an xDS node id and node metadata into a Proxy the way istiod does
// (pilot/pkg/model/context.go ParseServiceNodeWithMetadata, GetProxyConfigNamespace).
// Node id: `<type>~<ip>~<pod>.<namespace>~<namespace>.svc.<domain suffix>`.
import { isIP } from 'node:net';

import type { PushContext } from './push-context.js';
import type { Proxy, ProxyType } from './proxy.js';
import { spiffeId } from './registry/labels.js';

export const NODE_ID_FORMAT = '<type>~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local';

/** Either the proxy (with notes about ignored metadata) or one sentence saying what is wrong. */
export type ProxyParseResult =
  { ok: true; value: Proxy; warnings: string[] } | { ok: false; error: string };

const PROXY_TYPES: readonly ProxyType[] = ['sidecar', 'router'];

function stringValue(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** LABELS arrives as an object (JSON metadata) or a JSON string; values are stringified. */
function parseLabels(v: unknown, warnings: string[]): Record<string, string> | undefined {
  let obj: unknown = v;
  if (typeof v === 'string') {
    if (v.trim() === '') return undefined;
    try {
      obj = JSON.parse(v);
    } catch {
      warnings.push(`metadata LABELS is not a JSON object: ignored`);
      return undefined;
    }
  }
  if (obj === undefined || obj === null) return undefined;
  if (typeof obj !== 'object' || Array.isArray(obj)) {
    warnings.push(`metadata LABELS is not an object: ignored`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj as Record<string, unknown>)) {
    out[k] = typeof val === 'string' ? val : JSON.stringify(val);
  }
  return out;
}

/**
 * Parses a node. Namespace: metadata NAMESPACE, else the first label of the id's DNS domain.
 * IPs: metadata INSTANCE_IPS (comma list), else the id's IP. Labels: metadata LABELS, else the
 * registry's workload with the pod's name in that namespace, else the one with the proxy's IP.
 * Service account: metadata SERVICE_ACCOUNT (a name or a SPIFFE id), else the workload's.
 */
export function parseProxy(
  nodeId: string,
  metadata: Record<string, unknown> = {},
  push?: PushContext,
): ProxyParseResult {
  const fail = (why: string): ProxyParseResult => ({
    ok: false,
    error: `node id "${nodeId}": ${why}`,
  });
  const parts = nodeId.split('~');
  if (parts.length !== 4) return fail(`expected ${NODE_ID_FORMAT}`);
  const [type, idIp, id, dnsDomain] = parts;
  if (!(PROXY_TYPES as readonly string[]).includes(type)) {
    return fail(
      `proxy type "${type}" is not one of ${PROXY_TYPES.join(', ')} (expected ${NODE_ID_FORMAT})`,
    );
  }
  if (isIP(idIp) === 0) return fail(`"${idIp}" is not an IP address (expected ${NODE_ID_FORMAT})`);
  if (id === '') return fail(`the workload part is empty (expected ${NODE_ID_FORMAT})`);

  const warnings: string[] = [];
  const namespace = stringValue(metadata.NAMESPACE) ?? dnsDomain.split('.')[0];
  if (!namespace)
    return fail(`no namespace in metadata NAMESPACE or the id (expected ${NODE_ID_FORMAT})`);

  const instanceIps = (stringValue(metadata.INSTANCE_IPS) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const badIp = instanceIps.find((ip) => isIP(ip) === 0);
  if (badIp !== undefined)
    warnings.push(`metadata INSTANCE_IPS entry "${badIp}" is not an IP: ignored`);
  const ips = instanceIps.filter((ip) => isIP(ip) !== 0);
  if (ips.length === 0) ips.push(idIp);

  const suffix = `.${namespace}`;
  const podName = id.endsWith(suffix) ? id.slice(0, -suffix.length) : id.split('.')[0];

  const workload = push?.workloadByName(namespace, podName) ?? push?.workloadByIp(ips[0]);
  const labels = parseLabels(metadata.LABELS, warnings) ?? { ...(workload?.labels ?? {}) };

  const trustDomain = push?.mesh.trustDomain ?? 'cluster.local';
  const sa = stringValue(metadata.SERVICE_ACCOUNT);
  const serviceAccount = sa
    ? sa.startsWith('spiffe://')
      ? sa
      : spiffeId(trustDomain, namespace, sa)
    : workload?.serviceAccount;

  const generator = stringValue(metadata.GENERATOR);
  if (generator !== undefined && generator !== 'grpc') {
    warnings.push(`metadata GENERATOR "${generator}" is not supported: serving Envoy config`);
  }

  return {
    ok: true,
    warnings,
    value: {
      id: nodeId,
      type: type as ProxyType,
      ip: ips[0],
      ips,
      podName,
      namespace,
      name: `${podName}.${namespace}`,
      labels,
      serviceAccount,
      generator: generator === 'grpc' ? 'grpc' : undefined,
      istioVersion: stringValue(metadata.ISTIO_VERSION),
      metadata,
    },
  };
}
