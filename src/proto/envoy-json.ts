// Proto3 JSON in the shape Envoy's admin API prints it (config_dump): snake_case field names,
// `@type` as the first key of every Any, default values omitted. Used by the debug API and the CLI.
import { fromJson, toJson } from '@bufbuild/protobuf';
import type { DescMessage, JsonObject, JsonValue, MessageShape } from '@bufbuild/protobuf';
import { registry } from './registry.js';

export function toEnvoyJson<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): JsonValue {
  return typeUrlFirst(toJson(schema, message, { registry, useProtoFieldName: true }));
}

/**
 * protobuf-es writes an Any's `@type` after the packed fields; Envoy (and istioctl) print it first,
 * which is also what makes a dump readable. Rebuilds objects so `@type` leads, at every depth.
 */
function typeUrlFirst(json: JsonValue): JsonValue {
  if (Array.isArray(json)) return json.map(typeUrlFirst);
  if (json === null || typeof json !== 'object') return json;
  const out: JsonObject = {};
  if ('@type' in json) out['@type'] = json['@type'];
  for (const [key, value] of Object.entries(json)) {
    if (key !== '@type') out[key] = typeUrlFirst(value);
  }
  return out;
}

/** Accepts both snake_case and lowerCamelCase names, like Envoy; unknown fields are an error. */
export function fromEnvoyJson<Desc extends DescMessage>(
  schema: Desc,
  json: JsonValue,
): MessageShape<Desc> {
  return fromJson(schema, json, { registry });
}
