// The `to.operation` fields and the destination-side `when` keys, as RBAC permissions.
import type { Permission } from '../../gen/envoy/config/rbac/v3/rbac_pb.js';
import { AuthzRuleError } from './authz-rule-error.js';
import { cidrRange } from './cidr-range.js';
import type { GenContext, PermissionGenerator } from './generator-types.js';
import {
  permissionDestinationIp,
  permissionDestinationPort,
  permissionHeader,
  permissionPath,
  permissionServerName,
} from './rbac-nodes.js';
import {
  headerMatcher,
  hostMatcher,
  pathMatcher,
  stringMatcherWithPrefix,
} from './string-matchers.js';

export const METHOD_HEADER = ':method';
export const HOST_HEADER = ':authority';

function httpOnly(key: string, ctx: GenContext): void {
  if (ctx.forTcp) throw new AuthzRuleError(`"${key}" is HTTP only`);
}

/** Istio's path templates (`{*}`, `{**}`) need Envoy's uri_template extension, not vendored. */
function isPathTemplate(value: string): boolean {
  return value.includes('{*}') || value.includes('{**}');
}

export const destinationIp: PermissionGenerator = (_key, value) =>
  permissionDestinationIp(cidrRange(value));

export const destinationPort: PermissionGenerator = (_key, value) => {
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new AuthzRuleError(`invalid port ${value}`);
  }
  return permissionDestinationPort(Number(value));
};

export const serverName: PermissionGenerator = (_key, value) =>
  permissionServerName(stringMatcherWithPrefix(value));

export const host: PermissionGenerator = (key, value, ctx): Permission => {
  httpOnly(key, ctx);
  return permissionHeader(hostMatcher(HOST_HEADER, value));
};

export const method: PermissionGenerator = (key, value, ctx): Permission => {
  httpOnly(key, ctx);
  return permissionHeader(headerMatcher(METHOD_HEADER, value));
};

export const path: PermissionGenerator = (key, value, ctx): Permission => {
  httpOnly(key, ctx);
  if (isPathTemplate(value)) throw new AuthzRuleError(`path template ${value} is not supported`);
  return permissionPath(pathMatcher(value));
};
