// What the load client reads from xDS responses, using the wire reader: the response envelope
// (SotW and Delta) and, inside resources, only the names that drive follow-up subscriptions
// (EDS names of EDS clusters, RDS names of HTTP connection managers).
import { forEachField, text } from './wire.js';

export interface AnyRef {
  typeUrl: string;
  /** The encoded message (a view into the response buffer). */
  value: Uint8Array;
}

export interface SotwResponse {
  versionInfo: string;
  typeUrl: string;
  nonce: string;
  resources: AnyRef[];
}

export interface DeltaResource {
  name: string;
  version: string;
  resource?: AnyRef;
}

export interface DeltaResponse {
  systemVersionInfo: string;
  typeUrl: string;
  nonce: string;
  resources: DeltaResource[];
  removed: string[];
}

const EMPTY = new Uint8Array(0);

function readAny(buf: Uint8Array, start: number, end: number): AnyRef {
  const out: AnyRef = { typeUrl: '', value: EMPTY };
  forEachField(buf, start, end, (f, s, e) => {
    if (f === 1) out.typeUrl = text(buf, s, e);
    else if (f === 2) out.value = buf.subarray(s, e);
  });
  return out;
}

/** `DiscoveryResponse { version_info = 1; resources = 2; type_url = 4; nonce = 5; }` */
export function readSotwResponse(buf: Uint8Array): SotwResponse {
  const out: SotwResponse = { versionInfo: '', typeUrl: '', nonce: '', resources: [] };
  forEachField(buf, 0, buf.length, (f, s, e) => {
    if (f === 1) out.versionInfo = text(buf, s, e);
    else if (f === 2) out.resources.push(readAny(buf, s, e));
    else if (f === 4) out.typeUrl = text(buf, s, e);
    else if (f === 5) out.nonce = text(buf, s, e);
  });
  return out;
}

/** `DeltaDiscoveryResponse { system_version_info = 1; resources = 2; type_url = 4; nonce = 5; removed_resources = 6; }` */
export function readDeltaResponse(buf: Uint8Array): DeltaResponse {
  const out: DeltaResponse = {
    systemVersionInfo: '',
    typeUrl: '',
    nonce: '',
    resources: [],
    removed: [],
  };
  forEachField(buf, 0, buf.length, (f, s, e) => {
    if (f === 1) out.systemVersionInfo = text(buf, s, e);
    else if (f === 2) {
      // Resource { version = 1; resource = 2; name = 3; }
      const r: DeltaResource = { name: '', version: '' };
      forEachField(buf, s, e, (rf, rs, re) => {
        if (rf === 1) r.version = text(buf, rs, re);
        else if (rf === 2) r.resource = readAny(buf, rs, re);
        else if (rf === 3) r.name = text(buf, rs, re);
      });
      out.resources.push(r);
    } else if (f === 4) out.typeUrl = text(buf, s, e);
    else if (f === 5) out.nonce = text(buf, s, e);
    else if (f === 6) out.removed.push(text(buf, s, e));
  });
  return out;
}

const EDS_DISCOVERY_TYPE = 3;

/**
 * `Cluster { name = 1; type = 2; eds_cluster_config = 3 { service_name = 2 } }`: the cluster's
 * name and, for an EDS cluster, the ClusterLoadAssignment name it needs.
 */
export function readCluster(buf: Uint8Array): { name: string; edsName?: string } {
  let name = '';
  let eds = false;
  let serviceName = '';
  forEachField(buf, 0, buf.length, (f, s, e, v) => {
    if (f === 1) name = text(buf, s, e);
    else if (f === 2) eds = v === EDS_DISCOVERY_TYPE;
    else if (f === 3) {
      forEachField(buf, s, e, (ef, es, ee) => {
        if (ef === 2) serviceName = text(buf, es, ee);
      });
    }
  });
  return { name, edsName: eds ? serviceName || name : undefined };
}

const HCM_TYPE =
  'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

function hcmRouteName(buf: Uint8Array, s: number, e: number, out: Set<string>): void {
  // HttpConnectionManager { rds = 3 { route_config_name = 2 } }
  forEachField(buf, s, e, (f, rs, re) => {
    if (f !== 3) return;
    forEachField(buf, rs, re, (rf, ns, ne) => {
      if (rf === 2) out.add(text(buf, ns, ne));
    });
  });
}

function filterChainRoutes(buf: Uint8Array, s: number, e: number, out: Set<string>): void {
  // FilterChain { filters = 3 { typed_config = 4 (Any) } }
  forEachField(buf, s, e, (f, fs, fe) => {
    if (f !== 3) return;
    forEachField(buf, fs, fe, (ff, ts, te) => {
      if (ff !== 4) return;
      const any = readAny(buf, ts, te);
      if (any.typeUrl.endsWith(HCM_TYPE)) hcmRouteName(any.value, 0, any.value.length, out);
    });
  });
}

/** `Listener { name = 1; filter_chains = 3; default_filter_chain = 25 }`: its name and RDS names. */
export function readListener(buf: Uint8Array): { name: string; routeNames: Set<string> } {
  let name = '';
  const routeNames = new Set<string>();
  forEachField(buf, 0, buf.length, (f, s, e) => {
    if (f === 1) name = text(buf, s, e);
    else if (f === 3 || f === 25) filterChainRoutes(buf, s, e, routeNames);
  });
  return { name, routeNames };
}
