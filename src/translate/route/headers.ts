// Istio Headers (set/add/remove on request and response) → Envoy header mutations
// (istio route.go TranslateHeadersOperations). Setting `host`/`:authority` becomes a host
// rewrite instead, and pseudo-headers are never mutated.
import { create } from '@bufbuild/protobuf';

import type { Headers } from '../../model/istio-types.js';
import {
  HeaderValueOption_HeaderAppendAction,
  HeaderValueOptionSchema,
  type HeaderValueOption,
} from '../../gen/envoy/config/core/v3/base_pb.js';

export interface HeadersOperations {
  requestHeadersToAdd: HeaderValueOption[];
  responseHeadersToAdd: HeaderValueOption[];
  requestHeadersToRemove: string[];
  responseHeadersToRemove: string[];
  /** Value for host_rewrite_literal, '' when no operation sets the authority. */
  authority: string;
}

const isInternal = (key: string): boolean => key.startsWith(':') || key.toLowerCase() === 'host';
const isAuthority = (key: string): boolean =>
  key.toLowerCase() === ':authority' || key.toLowerCase() === 'host';

function headerOptions(
  headers: Record<string, string> | undefined,
  append: boolean,
): { options: HeaderValueOption[]; authority: string } {
  let authority = '';
  const options: HeaderValueOption[] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (isAuthority(key)) authority = value;
    if (isInternal(key)) continue;
    options.push(
      create(HeaderValueOptionSchema, {
        header: { key, value },
        appendAction: append
          ? HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD
          : HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
      }),
    );
  }
  // Istio sorts each group by header name (stable), set before add.
  options.sort((a, b) => ((a.header?.key ?? '') < (b.header?.key ?? '') ? -1 : 1));
  return { options, authority };
}

export function translateHeadersOperations(headers: Headers | undefined): HeadersOperations {
  const reqSet = headerOptions(headers?.request?.set, false);
  const reqAdd = headerOptions(headers?.request?.add, true);
  const respSet = headerOptions(headers?.response?.set, false);
  const respAdd = headerOptions(headers?.response?.add, true);
  return {
    requestHeadersToAdd: [...reqSet.options, ...reqAdd.options],
    responseHeadersToAdd: [...respSet.options, ...respAdd.options],
    requestHeadersToRemove: (headers?.request?.remove ?? []).filter((k) => !isInternal(k)),
    responseHeadersToRemove: (headers?.response?.remove ?? []).filter((k) => !isInternal(k)),
    // `set` wins over `add` when both name the authority.
    authority: reqSet.authority !== '' ? reqSet.authority : reqAdd.authority,
  };
}
