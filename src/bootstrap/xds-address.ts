// The control plane's address as given on the command line (`host:port`, `[v6]:port`). Whether
// the host is an IP literal decides how an Envoy cluster reaches it (STATIC vs STRICT_DNS).
import { isIP } from 'node:net';

export const DEFAULT_XDS_ADDRESS = '127.0.0.1:15010';

export interface XdsAddress {
  host: string;
  port: number;
  /** True for an IPv4/IPv6 literal; false for a DNS name that Envoy must resolve. */
  isIp: boolean;
  /** The address again in `host:port` form, IPv6 in brackets: what gRPC's server_uri takes. */
  uri: string;
}

/** Parses `host:port`; returns one sentence saying what is wrong otherwise. */
export function parseXdsAddress(text: string): XdsAddress | string {
  const bad = `--xds-address: expected host:port, got "${text}"`;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const plain = /^([^:[\]]+):(\d+)$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) return bad;
  const host = match[1];
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return `--xds-address: port ${match[2]} is out of range 1-65535`;
  }
  const family = isIP(host);
  if (bracketed && family !== 6) return bad;
  return {
    host,
    port,
    isIp: family !== 0,
    uri: family === 6 ? `[${host}]:${port}` : `${host}:${port}`,
  };
}
