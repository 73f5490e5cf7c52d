// The protobuf layer: one registry of every generated Envoy type, Any and Envoy-JSON helpers,
// and the protoc-gen-validate checker that every generated resource goes through.
export { registry, typeUrlOf, typeNameOfUrl, findMessageSchema } from './registry.js';
export { packAny, unpackAny } from './any.js';
export { toEnvoyJson, fromEnvoyJson } from './envoy-json.js';
export { validateMessage, validateEnvoyResource } from './pgv/index.js';
export type { PgvViolation } from './pgv/index.js';
