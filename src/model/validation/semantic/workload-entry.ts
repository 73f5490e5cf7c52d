// WorkloadEntry rules (istio validateWorkloadEntry): an address (IP, FQDN or unix socket) unless a
// network is given, port names and numbers, labels. Also used for ServiceEntry inline endpoints.
import type { WorkloadEntrySpec } from '../../istio-types.js';
import * as c from './checks.js';
import { Issues } from './issue.js';

export function validateWorkloadEntry(spec: WorkloadEntrySpec, _namespace: string): Issues {
  const is = new Issues();
  workloadEntry(is, 'spec', spec, { allowFqdn: true });
  return is;
}

export function workloadEntry(
  is: Issues,
  p: string,
  we: WorkloadEntrySpec,
  opts: { allowFqdn: boolean; servicePorts?: Set<string> },
): void {
  const addr = we.address ?? '';
  if (addr === '') {
    if (!we.network) is.err(`${p}.address`, 'address is required');
    else is.warn(`${p}.address`, `address is unset with network "${we.network}"`);
  } else if (addr.startsWith('unix://')) {
    const path = addr.slice('unix://'.length);
    if (!path.startsWith('@') && (!path.startsWith('/') || path.endsWith('/'))) {
      is.err(`${p}.address`, `${path} is not an absolute path to a file`);
    }
    if (we.ports && Object.keys(we.ports).length)
      is.err(`${p}.ports`, `unix endpoint ${addr} must not include ports`);
  } else if (!c.isIpAddress(addr)) {
    if (!opts.allowFqdn)
      is.err(`${p}.address`, `endpoint address "${addr}" is not a valid IP address`);
    else if (c.fqdn(addr))
      is.err(`${p}.address`, `endpoint address "${addr}" is not a valid FQDN or an IP address`);
  }
  for (const [name, num] of Object.entries(we.ports ?? {})) {
    const f = `${p}.ports[${JSON.stringify(name)}]`;
    if (opts.servicePorts && !opts.servicePorts.has(name)) {
      is.err(f, `endpoint port ${num} is not defined by the service entry`);
    }
    is.check(f, c.portName(name));
    is.check(f, c.port(num));
  }
  c.labelsInvalid(we.labels).forEach((e) => is.err(`${p}.labels`, e));
}
