// protoc-gen-validate checks for Envoy messages.
export type { PgvViolation } from './types.js';
export { validateMessage } from './validate-message.js';
export { validateEnvoyResource } from './validate-envoy-resource.js';
