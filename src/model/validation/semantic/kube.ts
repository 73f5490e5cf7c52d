// Minimal structural checks of the Kubernetes objects the registry reads (the API server would
// have done these; files may not have been through one).
import type { RawObject } from '../../config.js';
import * as c from './checks.js';
import { Issues } from './issue.js';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function validateKubeObject(kind: string, raw: RawObject): Issues {
  const is = new Issues();
  const spec = isObj(raw.spec) ? raw.spec : {};
  if (raw.spec !== undefined && !isObj(raw.spec)) is.err('spec', 'must be an object');
  switch (kind) {
    case 'Service':
      list(spec.ports).forEach((p, i) => {
        const f = `spec.ports[${i}]`;
        if (!isObj(p)) return is.err(f, 'must be an object');
        if (typeof p.port !== 'number') is.err(`${f}.port`, 'Required value: port number');
        else is.check(`${f}.port`, c.port(p.port));
        const tp = p.targetPort;
        if (typeof tp === 'number') is.check(`${f}.targetPort`, c.port(tp));
        else if (
          tp !== undefined &&
          (typeof tp !== 'string' || !c.isDns1123Label(tp.toLowerCase()))
        ) {
          is.err(`${f}.targetPort`, `must be a port number or name, got ${JSON.stringify(tp)}`);
        }
      });
      break;
    case 'Pod': {
      const status = isObj(raw.status) ? raw.status : {};
      if (
        status.podIP !== undefined &&
        !(typeof status.podIP === 'string' && c.isIpAddress(status.podIP))
      ) {
        is.err('status.podIP', `${JSON.stringify(status.podIP)} is not a valid IP address`);
      }
      break;
    }
    case 'Endpoints':
      list(raw.subsets).forEach((s, i) => {
        if (!isObj(s)) return;
        for (const key of ['addresses', 'notReadyAddresses']) {
          list(s[key]).forEach((a, j) => {
            const ip = isObj(a) ? a.ip : undefined;
            if (typeof ip !== 'string' || !c.isIpAddress(ip)) {
              is.err(
                `subsets[${i}].${key}[${j}].ip`,
                `${JSON.stringify(ip)} is not a valid IP address`,
              );
            }
          });
        }
      });
      break;
    case 'EndpointSlice':
      list(raw.endpoints).forEach((e, i) =>
        list(isObj(e) ? e.addresses : undefined).forEach((a, j) => {
          if (typeof a !== 'string' || (!c.isIpAddress(a) && c.fqdn(a) !== undefined)) {
            is.err(
              `endpoints[${i}].addresses[${j}]`,
              `${JSON.stringify(a)} is not a valid address`,
            );
          }
        }),
      );
      break;
  }
  return is;
}
