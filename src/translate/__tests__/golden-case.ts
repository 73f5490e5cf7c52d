// Golden case files: `testdata/in/<case>.yaml` is the config of one world plus a leading comment
// header naming the proxy (see testdata/in/README.md):
//   # <free text>
//   # proxy:
//   #   nodeId: sidecar~10.244.1.41~productpage-v1-0.default~default.svc.cluster.local
//   #   labels: {app: productpage}      # optional; else the Pod's
//   #   metadata: {GENERATOR: grpc}     # optional node metadata
//   #   listenerNames: [host:port]      # optional, proxyless gRPC subscriptions
//   # include: [_worlds/bookinfo.yaml]  # optional shared world files, relative to testdata/in
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface GoldenHeader {
  nodeId: string;
  labels?: Record<string, string>;
  metadata?: Record<string, unknown>;
  listenerNames?: string[];
  include: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseGoldenHeader(text: string, file: string): GoldenHeader {
  const comments: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    comments.push(line.replace(/^# ?/, ''));
  }
  const start = comments.findIndex((l) => /^(proxy|include):/.test(l));
  if (start < 0) throw new Error(`${file}: no "# proxy:" header`);
  const header: unknown = parse(comments.slice(start).join('\n'));
  if (!isRecord(header) || !isRecord(header.proxy) || typeof header.proxy.nodeId !== 'string') {
    throw new Error(`${file}: "# proxy:" needs a nodeId`);
  }
  const proxy = header.proxy;
  const include = Array.isArray(header.include) ? header.include.map(String) : [];
  return {
    nodeId: proxy.nodeId as string,
    labels: isRecord(proxy.labels) ? (proxy.labels as Record<string, string>) : undefined,
    metadata: isRecord(proxy.metadata) ? proxy.metadata : undefined,
    listenerNames: Array.isArray(proxy.listenerNames) ? proxy.listenerNames.map(String) : undefined,
    include,
  };
}

/** The case's own documents preceded by its included world files. */
export function goldenConfigText(
  inDir: string,
  file: string,
): { header: GoldenHeader; yaml: string } {
  const text = readFileSync(path.join(inDir, file), 'utf8');
  const header = parseGoldenHeader(text, file);
  const parts = header.include.map((inc) => readFileSync(path.join(inDir, inc), 'utf8'));
  return { header, yaml: [...parts, text].join('\n---\n') };
}
