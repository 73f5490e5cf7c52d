// Test helpers: a small world (one Service + Pod per app) plus AuthorizationPolicies written
// as YAML, the proxy of one of its pods, and Envoy-JSON views of the generated messages.
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { parseProxy } from '../../../model/proxy-identity.js';
import type { Proxy } from '../../../model/proxy.js';
import type { PushContext } from '../../../model/push-context.js';
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import { toEnvoyJson } from '../../../proto/envoy-json.js';

export interface App {
  name: string;
  ip: string;
  port: number;
  labels?: Record<string, string>;
}

export function appYaml(app: App): string {
  const labels = JSON.stringify({ app: app.name, ...app.labels });
  return `
apiVersion: v1
kind: Service
metadata: {name: ${app.name}, namespace: default}
spec:
  clusterIP: 10.96.0.${app.port % 250}
  selector: {app: ${app.name}}
  ports: [{name: grpc, port: ${app.port}}]
---
apiVersion: v1
kind: Pod
metadata: {name: ${app.name}-0, namespace: default, labels: ${labels}}
spec: {serviceAccountName: ${app.name}}
status: {phase: Running, podIP: ${app.ip}, conditions: [{type: Ready, status: 'True'}]}
`;
}

/** A policy document selecting `app` (omit `app` for a namespace-wide one). */
export function policyYaml(name: string, spec: Record<string, unknown>, app?: string): string {
  const full = app ? { selector: { matchLabels: { app } }, ...spec } : spec;
  return `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: default}
spec: ${JSON.stringify(full)}
`;
}

export function world(...docs: string[]): PushContext {
  return pushContextFromYaml(docs.join('\n---\n'));
}

export function proxyOf(
  push: PushContext,
  app: App,
  metadata: Record<string, unknown> = {},
): Proxy {
  const parsed = parseProxy(
    `sidecar~${app.ip}~${app.name}-0.default~default.svc.cluster.local`,
    metadata,
    push,
  );
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

export function json<D extends DescMessage>(schema: D, msg: MessageShape<D>): unknown {
  return toEnvoyJson(schema, msg);
}
