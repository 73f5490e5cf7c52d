// DestinationRule rules (istio ValidateDestinationRule): host, unique subset names, subset labels,
// traffic policies that are not empty, TLS settings and outlier/connection-pool ranges.
import type { DestinationRuleSpec, TrafficPolicy } from '../../istio-types.js';
import * as c from './checks.js';
import { Issues } from './issue.js';

export function validateDestinationRule(spec: DestinationRuleSpec, _namespace: string): Issues {
  const is = new Issues();
  is.check('spec.host', c.wildcardDomain(spec.host ?? ''));
  trafficPolicy(is, 'spec.trafficPolicy', spec.trafficPolicy);
  const seen = new Set<string>();
  spec.subsets?.forEach((s, i) => {
    const p = `spec.subsets[${i}]`;
    if (seen.has(s.name)) is.err(`${p}.name`, `duplicate subset names: ${s.name}`);
    seen.add(s.name);
    if (!c.isDns1123Label(s.name ?? '')) is.err(`${p}.name`, `subset name is invalid: ${s.name}`);
    c.labelsInvalid(s.labels).forEach((e) => is.err(`${p}.labels`, e));
    trafficPolicy(is, `${p}.trafficPolicy`, s.trafficPolicy);
  });
  return is;
}

function trafficPolicy(is: Issues, p: string, tp: TrafficPolicy | undefined): void {
  if (!tp) return;
  if (Object.keys(tp).length === 0) {
    is.err(p, 'traffic policy must have at least one field');
    return;
  }
  if (tp.tunnel && tp.proxyProtocol) is.err(p, 'tunnel and proxyProtocol must not be set together');
  const od = tp.outlierDetection;
  if (
    od?.maxEjectionPercent !== undefined &&
    (od.maxEjectionPercent < 0 || od.maxEjectionPercent > 100)
  ) {
    is.err(
      `${p}.outlierDetection.maxEjectionPercent`,
      `percentage ${od.maxEjectionPercent} is not in range 0..100`,
    );
  }
  if (
    od?.minHealthPercent !== undefined &&
    (od.minHealthPercent < 0 || od.minHealthPercent > 100)
  ) {
    is.err(
      `${p}.outlierDetection.minHealthPercent`,
      `percentage ${od.minHealthPercent} is not in range 0..100`,
    );
  }
  const tcp = tp.connectionPool?.tcp;
  if (tcp?.maxConnections !== undefined && tcp.maxConnections < 0) {
    is.err(`${p}.connectionPool.tcp.maxConnections`, 'max connections must be non-negative');
  }
  const http = tp.connectionPool?.http;
  if (http?.http1MaxPendingRequests !== undefined && http.http1MaxPendingRequests < 0) {
    is.err(
      `${p}.connectionPool.http.http1MaxPendingRequests`,
      'max pending requests must be non-negative',
    );
  }
  if (http?.http2MaxRequests !== undefined && http.http2MaxRequests < 0) {
    is.err(`${p}.connectionPool.http.http2MaxRequests`, 'max requests must be non-negative');
  }
  const tls = tp.tls;
  if (tls?.mode === 'MUTUAL') {
    if (!tls.credentialName && (!tls.clientCertificate || !tls.privateKey)) {
      is.err(
        `${p}.tls`,
        'client certificate and private key required for MUTUAL mode (or credentialName)',
      );
    }
  }
  if (
    tls?.mode === 'ISTIO_MUTUAL' &&
    (tls.clientCertificate || tls.privateKey || tls.caCertificates || tls.credentialName)
  ) {
    is.err(
      `${p}.tls`,
      'cannot specify certificate settings (or credentialName) when using ISTIO_MUTUAL mode',
    );
  }
  tp.portLevelSettings?.forEach((pl, i) => {
    const pp = `${p}.portLevelSettings[${i}]`;
    if (pl.port?.number === undefined) is.err(`${pp}.port`, 'port traffic policy must have a port');
    else is.check(`${pp}.port.number`, c.port(pl.port.number));
    if (!pl.loadBalancer && !pl.connectionPool && !pl.outlierDetection && !pl.tls) {
      is.err(pp, 'port traffic policy must have at least one field');
    }
  });
}
