// Reads an Envoy admin ConfigDump (ours from /debug/config_dump, or a real Envoy's /config_dump
// saved to a file) back into generated messages, so the CLI's tables and the traffic simulator
// work on the same types translation produces. Sections of unknown type (bootstrap, secrets of
// a real Envoy, ...) are skipped; unknown fields are ignored, as istioctl does.
import { readFile } from 'node:fs/promises';
import { fromJson, type DescMessage, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import {
  ClustersConfigDumpSchema,
  EndpointsConfigDumpSchema,
  ListenersConfigDumpSchema,
  RoutesConfigDumpSchema,
} from '../../gen/envoy/admin/v3/config_dump_shared_pb.js';
import { SecretsConfigDumpSchema } from '../../gen/envoy/admin/v3/config_dump_pb.js';
import { ClusterSchema, type Cluster } from '../../gen/envoy/config/cluster/v3/cluster_pb.js';
import {
  ClusterLoadAssignmentSchema,
  type ClusterLoadAssignment,
} from '../../gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { ListenerSchema, type Listener } from '../../gen/envoy/config/listener/v3/listener_pb.js';
import {
  RouteConfigurationSchema,
  type RouteConfiguration,
} from '../../gen/envoy/config/route/v3/route_pb.js';
import {
  SecretSchema,
  type Secret,
} from '../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { registry } from '../../proto/registry.js';
import type { ProxyResources } from '../../translate/types.js';
import { DEFAULT_SERVER, getJson, proxyQuery } from './debug-api.js';

const typeOf = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

function parse<Desc extends DescMessage>(schema: Desc, json: JsonObject) {
  const { '@type': _type, ...rest } = json;
  return fromJson(schema, rest, { registry, ignoreUnknownFields: true });
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Throws with a sentence when the JSON is not a config dump. */
export function resourcesFromConfigDump(json: unknown): ProxyResources {
  if (!isObject(json) || !Array.isArray(json.configs)) {
    throw new Error('not an Envoy config dump: expected an object with a "configs" array');
  }
  const out: ProxyResources = {
    listeners: [],
    routes: [],
    clusters: [],
    endpoints: [],
    secrets: [],
  };
  const unpack = <T>(
    schema: DescMessage,
    any: Parameters<typeof anyUnpack>[0] | undefined,
  ): T[] => {
    if (!any) return [];
    const m = anyUnpack(any, registry);
    return m && m.$typeName === schema.typeName ? [m as T] : [];
  };
  for (const section of json.configs as JsonValue[]) {
    if (!isObject(section) || typeof section['@type'] !== 'string') continue;
    switch (typeOf(section['@type'])) {
      case ListenersConfigDumpSchema.typeName: {
        const d = parse(ListenersConfigDumpSchema, section);
        for (const s of d.staticListeners)
          out.listeners.push(...unpack<Listener>(ListenerSchema, s.listener));
        for (const l of d.dynamicListeners) {
          out.listeners.push(...unpack<Listener>(ListenerSchema, l.activeState?.listener));
        }
        break;
      }
      case ClustersConfigDumpSchema.typeName: {
        const d = parse(ClustersConfigDumpSchema, section);
        for (const c of [...d.staticClusters, ...d.dynamicActiveClusters]) {
          out.clusters.push(...unpack<Cluster>(ClusterSchema, c.cluster));
        }
        break;
      }
      case RoutesConfigDumpSchema.typeName: {
        const d = parse(RoutesConfigDumpSchema, section);
        for (const r of [...d.staticRouteConfigs, ...d.dynamicRouteConfigs]) {
          out.routes.push(...unpack<RouteConfiguration>(RouteConfigurationSchema, r.routeConfig));
        }
        break;
      }
      case EndpointsConfigDumpSchema.typeName: {
        const d = parse(EndpointsConfigDumpSchema, section);
        for (const e of [...d.staticEndpointConfigs, ...d.dynamicEndpointConfigs]) {
          out.endpoints.push(
            ...unpack<ClusterLoadAssignment>(ClusterLoadAssignmentSchema, e.endpointConfig),
          );
        }
        break;
      }
      case SecretsConfigDumpSchema.typeName: {
        const d = parse(SecretsConfigDumpSchema, section);
        for (const s of d.staticSecrets)
          out.secrets.push(...unpack<Secret>(SecretSchema, s.secret));
        for (const s of d.dynamicActiveSecrets)
          out.secrets.push(...unpack<Secret>(SecretSchema, s.secret));
        break;
      }
      default:
        break;
    }
  }
  return out;
}

export interface ConfigDumpSource {
  /** A saved config dump (JSON), read instead of asking a server: works offline. */
  file?: string;
  server?: string;
  /** `<pod>.<ns>` or node id; required when reading from a server. */
  proxy?: string;
}

/** The proxy's config dump JSON and its parsed resources, from a file or a running server. */
export async function loadConfigDump(
  src: ConfigDumpSource,
): Promise<{ json: unknown; resources: ProxyResources }> {
  let json: unknown;
  if (src.file) {
    const text = await readFile(src.file, 'utf8');
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(
        `${src.file}: not JSON (${err instanceof Error ? err.message : String(err)})`,
      );
    }
  } else {
    if (!src.proxy) throw new Error('give a proxy <pod>.<ns>, or -f <config dump file>');
    json = await getJson(
      src.server ?? DEFAULT_SERVER,
      `/debug/config_dump${proxyQuery(src.proxy)}`,
    );
  }
  return { json, resources: resourcesFromConfigDump(json) };
}
