// Gateway rules (istio ValidateGateway/validateServer/validateTLSOptions): at least one server,
// `ns/host` hosts, port and protocol, unique port names, TLS modes with the credentials they need.
import type { GatewaySpec, ServerTLSSettings } from '../../istio-types.js';
import * as c from './checks.js';
import { Issues } from './issue.js';

export function validateGateway(spec: GatewaySpec, _namespace: string): Issues {
  const is = new Issues();
  const servers = spec.servers ?? [];
  if (servers.length === 0) is.err('spec.servers', 'gateway must have at least one server');
  const portNames = new Set<string>();
  servers.forEach((s, i) => {
    const p = `spec.servers[${i}]`;
    if (!s.hosts?.length) is.err(`${p}.hosts`, 'server config must contain at least one host');
    s.hosts?.forEach((h, j) =>
      c.namespaceSlashHost(h, true).forEach((e) => is.err(`${p}.hosts[${j}]`, e)),
    );
    const port = s.port;
    let portOk = true;
    if (!port) {
      is.err(`${p}.port`, 'port is required');
      portOk = false;
    } else {
      const bad = c.protocol(port.protocol);
      if (bad) {
        is.err(
          `${p}.port.protocol`,
          `invalid protocol "${port.protocol ?? ''}", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`,
        );
        portOk = false;
      }
      if (!(s.bind ?? '').startsWith('unix://') || port.number > 0) {
        const e = c.port(port.number);
        if (e) {
          is.err(`${p}.port.number`, e);
          portOk = false;
        }
      }
      if (port.targetPort) is.err(`${p}.port.targetPort`, 'targetPort has no impact on Gateways');
      if (!port.name) is.err(`${p}.port.name`, 'port name must be set');
      else if (portNames.has(port.name)) {
        is.err(
          `${p}.port.name`,
          `port names in servers must be unique: duplicate name ${port.name}`,
        );
      }
      if (port.name) portNames.add(port.name);
    }
    if (s.bind && !s.bind.startsWith('unix://') && !c.isIpAddress(s.bind)) {
      is.err(`${p}.bind`, `${s.bind} is not a valid IP`);
    }
    tlsOptions(is, `${p}.tls`, s.tls);
    if (portOk && port) {
      if (c.isTlsProtocol(port.protocol) && !s.tls) {
        is.err(`${p}.tls`, 'server must have TLS settings for HTTPS/TLS protocols');
      } else if (!c.isTlsProtocol(port.protocol) && s.tls) {
        const redirectOnly =
          s.tls.httpsRedirect &&
          !s.tls.caCertificates &&
          !s.tls.privateKey &&
          !s.tls.serverCertificate;
        if (c.isHttpProtocol(port.protocol)) {
          if (!redirectOnly && s.tls.mode !== 'PASSTHROUGH' && s.tls.mode !== 'AUTO_PASSTHROUGH') {
            is.err(`${p}.tls`, 'server cannot have TLS settings for plain text HTTP ports');
          }
        } else {
          is.err(`${p}.tls`, 'server cannot have TLS settings for non HTTPS/TLS ports');
        }
      }
      if (!c.isHttpProtocol(port.protocol) && s.tls?.httpsRedirect) {
        is.warn(
          `${p}.tls.httpsRedirect`,
          'tls.httpsRedirect should only be used with http servers',
        );
      }
    }
  });
  return is;
}

/** Shared with Sidecar ingress TLS. */
export function tlsOptions(is: Issues, p: string, tls: ServerTLSSettings | undefined): void {
  if (!tls) return;
  const mode = tls.mode ?? 'PASSTHROUGH';
  const creds = Boolean(tls.credentialName) || (tls.credentialNames?.length ?? 0) > 0;
  if (mode === 'ISTIO_MUTUAL') {
    if (tls.serverCertificate)
      is.err(
        `${p}.serverCertificate`,
        'ISTIO_MUTUAL TLS cannot have associated server certificate',
      );
    if (tls.privateKey)
      is.err(`${p}.privateKey`, 'ISTIO_MUTUAL TLS cannot have associated private key');
    if (tls.caCertificates)
      is.err(`${p}.caCertificates`, 'ISTIO_MUTUAL TLS cannot have associated CA bundle');
    if (creds)
      is.err(`${p}.credentialName`, 'ISTIO_MUTUAL TLS cannot have associated credentialName');
    return;
  }
  let sources = 0;
  if (tls.serverCertificate && tls.privateKey) sources++;
  if (tls.credentialName) sources++;
  if (tls.credentialNames?.length) sources++;
  if (sources > 1) {
    is.err(
      p,
      'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified',
    );
  }
  const simpleOrMutual = ['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(mode);
  if (!simpleOrMutual || creds) return;
  const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
  if (mode !== 'SIMPLE' && !tls.caCertificates)
    is.err(`${p}.caCertificates`, `${prefix} requires a client CA bundle`);
  if (!tls.serverCertificate)
    is.err(`${p}.serverCertificate`, `${prefix} requires a server certificate`);
  if (!tls.privateKey) is.err(`${p}.privateKey`, `${prefix} requires a private key`);
}
