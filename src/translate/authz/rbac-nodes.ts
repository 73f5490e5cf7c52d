// Small constructors for envoy.config.rbac.v3 Permission / Principal trees, so the generators
// read as the policy logic they implement rather than as protobuf plumbing.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import type { CidrRange } from '../../gen/envoy/config/core/v3/address_pb.js';
import {
  PermissionSchema,
  PrincipalSchema,
  type Permission,
  type Principal,
} from '../../gen/envoy/config/rbac/v3/rbac_pb.js';
import type { HeaderMatcher } from '../../gen/envoy/config/route/v3/route_components_pb.js';
import type { MetadataMatcher } from '../../gen/envoy/type/matcher/v3/metadata_pb.js';
import type { PathMatcher } from '../../gen/envoy/type/matcher/v3/path_pb.js';
import type { StringMatcher } from '../../gen/envoy/type/matcher/v3/string_pb.js';

type PermissionRule = MessageInitShape<typeof PermissionSchema>['rule'];
type PrincipalId = MessageInitShape<typeof PrincipalSchema>['identifier'];

const permission = (rule: PermissionRule): Permission => create(PermissionSchema, { rule });
const principal = (identifier: PrincipalId): Principal => create(PrincipalSchema, { identifier });

export const permissionAny = (): Permission => permission({ case: 'any', value: true });
export const permissionAnd = (rules: Permission[]): Permission =>
  permission({ case: 'andRules', value: { rules } });
export const permissionOr = (rules: Permission[]): Permission =>
  permission({ case: 'orRules', value: { rules } });
export const permissionNot = (p: Permission): Permission =>
  permission({ case: 'notRule', value: p });
export const permissionHeader = (h: HeaderMatcher): Permission =>
  permission({ case: 'header', value: h });
export const permissionPath = (p: PathMatcher): Permission =>
  permission({ case: 'urlPath', value: p });
export const permissionDestinationIp = (c: CidrRange): Permission =>
  permission({ case: 'destinationIp', value: c });
export const permissionDestinationPort = (port: number): Permission =>
  permission({ case: 'destinationPort', value: port });
export const permissionServerName = (m: StringMatcher): Permission =>
  permission({ case: 'requestedServerName', value: m });

export const principalAny = (): Principal => principal({ case: 'any', value: true });
export const principalAnd = (ids: Principal[]): Principal =>
  principal({ case: 'andIds', value: { ids } });
export const principalOr = (ids: Principal[]): Principal =>
  principal({ case: 'orIds', value: { ids } });
export const principalNot = (p: Principal): Principal => principal({ case: 'notId', value: p });
export const principalHeader = (h: HeaderMatcher): Principal =>
  principal({ case: 'header', value: h });
export const principalMetadata = (m: MetadataMatcher): Principal =>
  principal({ case: 'metadata', value: m });
export const principalDirectRemoteIp = (c: CidrRange): Principal =>
  principal({ case: 'directRemoteIp', value: c });
export const principalRemoteIp = (c: CidrRange): Principal =>
  principal({ case: 'remoteIp', value: c });

/**
 * The peer identity from the mTLS certificate (URI SAN). Sidecars and proxyless gRPC both
 * match it as `authenticated.principal_name`; istiod's filter-state variant is for ambient.
 */
export const principalAuthenticated = (name: StringMatcher): Principal =>
  principal({ case: 'authenticated', value: { principalName: name } });
