// Istio HTTPRetry → Envoy RetryPolicy (istio route/retry ConvertPolicy). Unset retries get the
// mesh default (2 attempts on connect-failure,refused-stream,unavailable,cancelled,
// retriable-status-codes; 503 is no longer listed since Istio 1.24); `attempts: 0` disables.
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';

import type { HTTPRetry } from '../../model/istio-types.js';
import { durationFromIstio } from '../common/duration.js';
import {
  RetryPolicy_RetryHostPredicateSchema,
  RetryPolicySchema,
  type RetryPolicy,
} from '../../gen/envoy/config/route/v3/route_components_pb.js';
import { PreviousHostsPredicateSchema } from '../../gen/envoy/extensions/retry/host/previous_hosts/v3/previous_hosts_pb.js';

export const DEFAULT_RETRY_ON =
  'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
export const PREVIOUS_HOSTS_PREDICATE = 'envoy.retry_host_predicates.previous_hosts';

function defaultPolicy(consistentHash: boolean): RetryPolicy {
  return create(RetryPolicySchema, {
    numRetries: 2,
    retryOn: DEFAULT_RETRY_ON,
    hostSelectionRetryMaxAttempts: 5n,
    // With consistent hashing a retry must stay on the hashed host, so no previous_hosts.
    retryHostPredicate: consistentHash
      ? []
      : [
          create(RetryPolicy_RetryHostPredicateSchema, {
            name: PREVIOUS_HOSTS_PREDICATE,
            configType: {
              case: 'typedConfig',
              value: anyPack(PreviousHostsPredicateSchema, create(PreviousHostsPredicateSchema)),
            },
          }),
        ],
  });
}

/** Known HTTP status codes (Go's http.StatusText non-empty); other integers stay in retry_on. */
const HTTP_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304,
  305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415,
  416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505,
  506, 507, 508, 510, 511,
]);

function parseRetryOn(retryOn: string): { on: string; codes: number[] } {
  const codes: number[] = [];
  const names: string[] = [];
  for (const raw of retryOn.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    if (/^\d+$/.test(part) && HTTP_STATUS_CODES.has(Number(part))) codes.push(Number(part));
    else names.push(part);
  }
  return { on: names.join(','), codes };
}

/** Undefined means "no retry policy" (retries disabled). */
export function convertRetryPolicy(
  retries: HTTPRetry | undefined,
  consistentHash: boolean,
): RetryPolicy | undefined {
  const out = defaultPolicy(consistentHash);
  if (!retries) return out;
  if (!retries.attempts || retries.attempts <= 0) return undefined;
  out.numRetries = retries.attempts;
  if (retries.retryOn) {
    const { on, codes } = parseRetryOn(retries.retryOn);
    out.retryOn = on;
    out.retriableStatusCodes = codes;
    // Status codes alone do nothing in Envoy without the retriable-status-codes policy.
    if (codes.length > 0 && !on.includes('retriable-status-codes')) {
      out.retryOn = on === '' ? 'retriable-status-codes' : `${on},retriable-status-codes`;
    }
  }
  if (retries.perTryTimeout) out.perTryTimeout = durationFromIstio(retries.perTryTimeout);
  return out;
}
