// Sidecar rules (istio ValidateSidecar): not empty, ingress ports unique, egress hosts in
// `ns/host` form, at most one egress listener without a port and it must be the last one.
import type { SidecarSpec } from '../../istio-types.js';
import * as c from './checks.js';
import { tlsOptions } from './gateway.js';
import { Issues } from './issue.js';

export function validateSidecar(spec: SidecarSpec, _namespace: string): Issues {
  const is = new Issues();
  if (
    !spec.egress?.length &&
    !spec.ingress?.length &&
    !spec.outboundTrafficPolicy &&
    !spec.inboundConnectionPool
  ) {
    is.err('spec', 'sidecar: empty configuration provided');
    return is;
  }
  if (spec.workloadSelector && !Object.keys(spec.workloadSelector.labels ?? {}).length) {
    is.warn(
      'spec.workloadSelector',
      'sidecar: workload selector has no labels, will be applied to all services in namespace',
    );
  }
  const ingressPorts = new Set<number>();
  spec.ingress?.forEach((ing, i) => {
    const p = `spec.ingress[${i}]`;
    if (!ing.port) {
      is.err(`${p}.port`, 'sidecar: port is required for ingress listeners');
      return;
    }
    if (ing.port.name) is.check(`${p}.port.name`, c.portName(ing.port.name));
    is.check(`${p}.port.protocol`, c.protocol(ing.port.protocol));
    is.check(`${p}.port.number`, c.port(ing.port.number));
    if (ingressPorts.has(ing.port.number))
      is.err(`${p}.port.number`, 'sidecar: ports on IP bound listeners must be unique');
    ingressPorts.add(ing.port.number);
    if (ing.bind && !c.isIpAddress(ing.bind)) is.err(`${p}.bind`, `${ing.bind} is not a valid IP`);
    if (ing.tls) {
      if (ing.tls.mode === 'ISTIO_MUTUAL' || ing.tls.mode === 'AUTO_PASSTHROUGH') {
        is.err(
          `${p}.tls.mode`,
          `configuration is invalid: cannot set mode to ${ing.tls.mode} in sidecar ingress tls`,
        );
      }
      if (ing.tls.credentialName)
        is.err(`${p}.tls.credentialName`, 'sidecar: credentialName is not currently supported');
      if (!c.isTlsProtocol(ing.port.protocol))
        is.err(`${p}.tls`, 'server cannot have TLS settings for non HTTPS/TLS ports');
      tlsOptions(is, `${p}.tls`, ing.tls);
    }
  });
  const egressPorts = new Set<number>();
  let catchAll = false;
  const egress = spec.egress ?? [];
  egress.forEach((eg, i) => {
    const p = `spec.egress[${i}]`;
    if (!eg.port) {
      if (catchAll) is.err(p, 'sidecar: egress can have only one listener with empty port');
      else if (i !== egress.length - 1) {
        is.err(
          p,
          'sidecar: the egress listener with empty port should be the last listener in the list',
        );
      } else catchAll = true;
    } else if (eg.port.number === 0) {
      if (!(eg.bind ?? '').startsWith('unix://')) {
        is.err(
          `${p}.bind`,
          'sidecar: ports with 0 value must have a unix domain socket bind address',
        );
      }
    } else {
      if (eg.port.name) is.check(`${p}.port.name`, c.portName(eg.port.name));
      is.check(`${p}.port.protocol`, c.protocol(eg.port.protocol));
      is.check(`${p}.port.number`, c.port(eg.port.number));
      if (egressPorts.has(eg.port.number))
        is.err(`${p}.port.number`, 'sidecar: ports on IP bound listeners must be unique');
      egressPorts.add(eg.port.number);
      if (eg.bind && !c.isIpAddress(eg.bind)) is.err(`${p}.bind`, `${eg.bind} is not a valid IP`);
    }
    if (!eg.hosts?.length)
      is.err(`${p}.hosts`, 'sidecar: egress listener must contain at least one host');
    eg.hosts?.forEach((h, j) =>
      c.namespaceSlashHost(h, false).forEach((e) => is.err(`${p}.hosts[${j}]`, e)),
    );
  });
  const otp = spec.outboundTrafficPolicy;
  if (otp?.egressProxy) {
    if (otp.mode !== 'ALLOW_ANY') {
      is.err(
        'spec.outboundTrafficPolicy.egressProxy',
        'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode',
      );
    } else if (!otp.egressProxy.port) {
      is.err(
        'spec.outboundTrafficPolicy.egressProxy.port',
        'sidecar: egress_proxy port must be non-nil',
      );
    }
  }
  return is;
}
