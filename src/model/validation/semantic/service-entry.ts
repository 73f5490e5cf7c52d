// ServiceEntry rules (istio ValidateServiceEntry): hosts, addresses, unique ports, and the
// consistency of resolution with addresses and endpoints.
import type { ServiceEntrySpec } from '../../istio-types.js';
import * as c from './checks.js';
import { Issues } from './issue.js';
import { workloadEntry } from './workload-entry.js';

export function validateServiceEntry(spec: ServiceEntrySpec, _namespace: string): Issues {
  const is = new Issues();
  const hosts = spec.hosts ?? [];
  const resolution = spec.resolution ?? 'NONE';
  if (spec.workloadSelector && spec.endpoints) {
    is.err('spec', 'only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  }
  if (hosts.length === 0) is.err('spec.hosts', 'service entry must have at least one host');
  hosts.forEach((h, i) => {
    if (h === '*') is.err(`spec.hosts[${i}]`, `invalid host ${h}`);
    else is.check(`spec.hosts[${i}]`, c.wildcardDomain(h));
  });
  let cidr = false;
  spec.addresses?.forEach((a, i) => {
    cidr ||= a.includes('/');
    is.check(`spec.addresses[${i}]`, c.ipSubnet(a));
  });
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') {
    is.err('spec.addresses', 'CIDR addresses are allowed only for NONE/STATIC resolution types');
  }
  const names = new Set<string>();
  const numbers = new Set<number>();
  spec.ports?.forEach((port, i) => {
    const p = `spec.ports[${i}]`;
    if (names.has(port.name))
      is.err(`${p}.name`, `service entry port name "${port.name}" already defined`);
    if (numbers.has(port.number))
      is.err(`${p}.number`, `service entry port ${port.number} already defined`);
    names.add(port.name);
    numbers.add(port.number);
    if (port.targetPort) is.check(`${p}.targetPort`, c.port(port.targetPort));
    is.check(`${p}.name`, c.portName(port.name ?? ''));
    is.check(`${p}.protocol`, c.protocol(port.protocol));
    is.check(`${p}.number`, c.port(port.number));
  });
  switch (resolution) {
    case 'NONE':
      if (spec.endpoints?.length)
        is.err('spec.endpoints', 'no endpoints should be provided for resolution type none');
      if (spec.workloadSelector)
        is.warn(
          'spec.workloadSelector',
          'workloadSelector should not be set when resolution mode is NONE',
        );
      break;
    case 'STATIC':
      spec.endpoints?.forEach((e, i) =>
        workloadEntry(is, `spec.endpoints[${i}]`, e, { allowFqdn: false, servicePorts: names }),
      );
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (!spec.endpoints?.length) {
        const bad = hosts.map((h) => c.fqdn(h)).find((e) => e !== undefined);
        if (bad) {
          is.err(
            'spec.hosts',
            `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, ${bad}`,
          );
        }
      }
      if (resolution === 'DNS_ROUND_ROBIN' && (spec.endpoints?.length ?? 0) > 1) {
        is.err(
          'spec.endpoints',
          `there must only be 0 or 1 endpoint for resolution mode ${resolution}`,
        );
      }
      spec.endpoints?.forEach((e, i) =>
        workloadEntry(is, `spec.endpoints[${i}]`, e, { allowFqdn: true, servicePorts: names }),
      );
      break;
  }
  if (resolution !== 'NONE' && hosts.length > 1) {
    const i =
      spec.ports?.findIndex((p) => !c.isHttpProtocol(p.protocol) && !c.isTlsProtocol(p.protocol)) ??
      -1;
    if (i >= 0)
      is.err(`spec.ports[${i}].protocol`, 'multiple hosts provided with non-HTTP, non-TLS ports');
  }
  return is;
}
