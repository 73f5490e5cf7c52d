// Proto3 JSON in the shape Envoy's admin API prints it (config_dump): snake_case field names,
// `@type` on every Any, default values omitted. Used by the debug API and the CLI.
import { fromJson, toJson } from '@bufbuild/protobuf';
import type { DescMessage, JsonValue, MessageShape } from '@bufbuild/protobuf';
import { registry } from './registry.js';

export function toEnvoyJson<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): JsonValue {
  return toJson(schema, message, { registry, useProtoFieldName: true });
}

/** Accepts both snake_case and lowerCamelCase names, like Envoy; unknown fields are an error. */
export function fromEnvoyJson<Desc extends DescMessage>(
  schema: Desc,
  json: JsonValue,
): MessageShape<Desc> {
  return fromJson(schema, json, { registry });
}
