// `mini-istiod proxy-config cluster|listener|route|endpoint|secret|all <pod>.<ns>`: istioctl's
// tables of what one proxy was sent, from the running server's /debug/config_dump or, offline,
// from a saved config dump (`-f dump.json`, ours or a real Envoy's). Filters narrow the rows;
// `-o json|yaml` prints the matching resources as Envoy JSON instead of a table.
import { toJson, type DescMessage } from '@bufbuild/protobuf';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ClusterSchema } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import { ClusterLoadAssignmentSchema } from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import { RouteConfigurationSchema } from '../../gen/envoy/config/route/v3/route_pb.js';
import { SecretSchema } from '../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { registry } from '../../proto/registry.js';
import type { ProxyResources } from '../../translate/types.js';
import { emit, fail, guarded, ok, structured, type CommandResult } from '../format/output.js';
import {
  CLUSTER_HEADERS,
  ENDPOINT_HEADERS,
  LISTENER_HEADERS,
  ROUTE_HEADERS,
  SECRET_HEADERS,
  clusterParts,
  clusterRows,
  endpointRows,
  listenerAddress,
  listenerRows,
  routeRows,
  secretRows,
} from '../format/proxy-config-tables.js';
import { renderTable } from '../format/table.js';
import { DEFAULT_SERVER } from '../remote/debug-api.js';
import { loadConfigDump } from '../remote/config-dump.js';

export const CONFIG_KINDS = ['cluster', 'listener', 'route', 'endpoint', 'secret', 'all'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

export interface ProxyConfigOptions {
  server?: string;
  file?: string;
  output?: string;
  fqdn?: string;
  port?: string;
  subset?: string;
  direction?: string;
  name?: string;
  address?: string;
  cluster?: string;
  status?: string;
}

/** Narrows each kind of resource by the filters that apply to it (istioctl's semantics). */
export function filterResources(res: ProxyResources, f: ProxyConfigOptions): ProxyResources {
  const port = f.port === undefined ? undefined : String(f.port);
  return {
    clusters: res.clusters.filter((c) => {
      const p = clusterParts(c.name);
      return (
        (!f.fqdn || p.fqdn.includes(f.fqdn)) &&
        (!port || p.port === port) &&
        (!f.subset || p.subset === f.subset) &&
        (!f.direction || p.direction === f.direction)
      );
    }),
    listeners: res.listeners.filter((l) => {
      const a = listenerAddress(l);
      return (
        (!port || a.port === port) &&
        (!f.address || a.address === f.address) &&
        (!f.name || l.name === f.name)
      );
    }),
    routes: res.routes.filter((r) => !f.name || r.name === f.name),
    endpoints: res.endpoints
      .filter((e) => !f.cluster || e.clusterName === f.cluster)
      .map((e) => {
        if (!port && !f.address && !f.status) return e;
        return {
          ...e,
          endpoints: e.endpoints.map((g) => ({
            ...g,
            lbEndpoints: g.lbEndpoints.filter((lb) => {
              const row = endpointRows([{ ...e, endpoints: [{ ...g, lbEndpoints: [lb] }] }])[0];
              if (!row) return false;
              const [addr, status] = row;
              const i = addr.lastIndexOf(':');
              return (
                (!port || addr.slice(i + 1) === port) &&
                (!f.address || addr.slice(0, i) === f.address) &&
                (!f.status || status === f.status.toUpperCase())
              );
            }),
          })),
        };
      })
      .filter(
        (e) =>
          e.endpoints.some((g) => g.lbEndpoints.length > 0) || (!port && !f.address && !f.status),
      ),
    secrets: res.secrets.filter((s) => !f.name || s.name === f.name),
  };
}

const envoyJson = <D extends DescMessage>(
  schema: D,
  list: readonly Parameters<typeof toJson<D>>[1][],
) => list.map((m) => toJson(schema, m, { registry, useProtoFieldName: true }));

function rawOf(kind: ConfigKind, r: ProxyResources): unknown {
  switch (kind) {
    case 'cluster':
      return envoyJson(ClusterSchema, r.clusters);
    case 'listener':
      return envoyJson(ListenerSchema, r.listeners);
    case 'route':
      return envoyJson(RouteConfigurationSchema, r.routes);
    case 'endpoint':
      return envoyJson(ClusterLoadAssignmentSchema, r.endpoints);
    case 'secret':
      return envoyJson(SecretSchema, r.secrets);
    case 'all':
      return {
        clusters: rawOf('cluster', r),
        listeners: rawOf('listener', r),
        routes: rawOf('route', r),
        endpoints: rawOf('endpoint', r),
        secrets: rawOf('secret', r),
      };
  }
}

function tableOf(kind: Exclude<ConfigKind, 'all'>, r: ProxyResources): string {
  switch (kind) {
    case 'cluster':
      return renderTable(CLUSTER_HEADERS, clusterRows(r.clusters));
    case 'listener':
      return renderTable(LISTENER_HEADERS, listenerRows(r.listeners));
    case 'route':
      return renderTable(ROUTE_HEADERS, routeRows(r.routes));
    case 'endpoint':
      return renderTable(ENDPOINT_HEADERS, endpointRows(r.endpoints));
    case 'secret':
      return renderTable(SECRET_HEADERS, secretRows(r.secrets));
  }
}

export async function runProxyConfig(
  kind: string,
  proxy: string | undefined,
  opts: ProxyConfigOptions = {},
): Promise<CommandResult> {
  if (!(CONFIG_KINDS as readonly string[]).includes(kind)) {
    return fail(
      `unknown config type ${JSON.stringify(kind)}; use one of ${CONFIG_KINDS.join(', ')}`,
      2,
    );
  }
  const k = kind as ConfigKind;
  return guarded(async () => {
    const { json, resources } = await loadConfigDump({
      file: opts.file,
      server: opts.server,
      proxy,
    });
    if (k === 'all' && opts.output && opts.output !== 'table') {
      // The whole dump, as Envoy (or the server) printed it.
      return ok(opts.output === 'yaml' ? stringify(json) : `${JSON.stringify(json, null, 2)}\n`);
    }
    const picked = filterResources(resources, opts);
    const asData = structured(rawOf(k, picked), opts.output);
    if (asData) return ok(asData);
    if (k !== 'all') return ok(tableOf(k, picked));
    const kinds = ['cluster', 'listener', 'route', 'endpoint', 'secret'] as const;
    return ok(kinds.map((x) => tableOf(x, picked)).join('\n'));
  });
}

export function registerProxyConfig(program: Command): void {
  program
    .command('proxy-config <type> [proxy]')
    .alias('pc')
    .description(
      `What one proxy was sent, as istioctl's tables; <type> is ${CONFIG_KINDS.join('|')}; works offline with -f <config dump>`,
    )
    .option('--server <url>', 'debug address of a running mini-istiod', DEFAULT_SERVER)
    .option('-f, --file <path>', 'read an Envoy config dump (JSON) instead of asking the server')
    .option('-o, --output <format>', 'table, json or yaml (raw Envoy config)', 'table')
    .option('--fqdn <host>', 'clusters: service FQDN contains this')
    .option('--port <port>', 'clusters, listeners, endpoints: this port')
    .option('--subset <name>', 'clusters: this subset')
    .option('--direction <dir>', 'clusters: inbound or outbound')
    .option('--name <name>', 'listeners, routes, secrets: this resource name')
    .option('--address <ip>', 'listeners, endpoints: this address')
    .option('--cluster <name>', 'endpoints: of this cluster')
    .option('--status <status>', 'endpoints: HEALTHY, UNHEALTHY ...')
    .action(async (type: string, proxy: string | undefined, opts: ProxyConfigOptions) => {
      emit(await runProxyConfig(type, proxy, opts));
    });
}
