// Small worlds for listener tests, stated as the YAML a cluster would hold.
import { parseProxy } from '../../../model/proxy-identity.js';
import type { Proxy } from '../../../model/proxy.js';
import type { PushContext } from '../../../model/push-context.js';
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';

export function service(name: string, ns: string, vip: string | undefined, ports: string): string {
  return `---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
${vip ? `  clusterIP: ${vip}\n` : ''}  selector: {app: ${name}}
  ports: ${ports}
`;
}

export function pod(name: string, ns: string, app: string, ip: string): string {
  return `---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app: ${app}, security.istio.io/tlsMode: istio}
status:
  phase: Running
  podIP: ${ip}
  conditions: [{type: Ready, status: 'True'}]
`;
}

/** reviews (HTTP 9080, VIP) with one pod, plus the yaml given. */
export const REVIEWS =
  service('reviews', 'default', '10.96.0.13', '[{name: http, port: 9080, targetPort: 9081}]') +
  pod('reviews-v1-0', 'default', 'reviews', '10.244.1.31');

export function world(yaml: string): PushContext {
  return pushContextFromYaml(yaml);
}

export function proxyOf(
  push: PushContext,
  nodeId: string,
  metadata: Record<string, unknown> = {},
): Proxy {
  const p = parseProxy(nodeId, metadata, push);
  if (!p.ok) throw new Error(p.error);
  return p.value;
}

export const REVIEWS_NODE = 'sidecar~10.244.1.31~reviews-v1-0.default~default.svc.cluster.local';
