// The API resources the Kubernetes source lists and watches, and how each one's URL is found.
//
// Core kinds have fixed URLs. Istio kinds are custom resources whose served versions depend on the
// installed CRDs, so their version is resolved through API discovery on every (re)list: the
// group's preferred version when it serves the kind (Istio marks v1 as the storage version, and
// discovery prefers it), else the first accepted version that does. A CRD that is not installed
// yields no URL; its reflector reports an empty, synced state and looks again later.
import { ISTIO_KINDS, type IstioKind, type KubeKind } from '../../model/config.js';
import type { KubeHttp } from './kube-http.js';
import { KubeHttpError } from './kube-http.js';

export interface ResolvedResource {
  /** apiVersion written into each object (list items carry none). */
  apiVersion: string;
  kind: string;
  /** Collection URL across all namespaces, e.g. `/apis/networking.istio.io/v1/virtualservices`. */
  path: string;
}

export interface WatchedResource {
  kind: IstioKind | KubeKind;
  /** `undefined` when the API server does not serve this resource (yet). */
  resolve(http: KubeHttp): Promise<ResolvedResource | undefined>;
}

const fixed =
  (kind: KubeKind, apiVersion: string, path: string) => async (): Promise<ResolvedResource> => ({
    apiVersion,
    kind,
    path,
  });

/** Lowercase plural as the Istio CRDs declare it (`serviceentries`, `virtualservices`). */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  return /[^aeiou]y$/.test(lower) ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}

interface ApiGroup {
  preferredVersion?: { version?: string };
  versions?: { version?: string }[];
}

interface ApiResourceList {
  resources?: { name?: string }[];
}

/** Served versions of `group` that list `plural`, best first; `[]` when the group is absent. */
export async function servedVersions(
  http: KubeHttp,
  group: string,
  plural: string,
): Promise<string[]> {
  let info: ApiGroup;
  try {
    info = (await http.getJson(`/apis/${group}`)) as ApiGroup;
  } catch (err) {
    if (err instanceof KubeHttpError && err.status === 404) return [];
    throw err;
  }
  const preferred = info.preferredVersion?.version;
  const all = (info.versions ?? []).map((v) => v.version).filter((v): v is string => !!v);
  const ordered = preferred ? [preferred, ...all.filter((v) => v !== preferred)] : all;
  const serving: string[] = [];
  for (const version of ordered) {
    let list: ApiResourceList;
    try {
      list = (await http.getJson(`/apis/${group}/${version}`)) as ApiResourceList;
    } catch (err) {
      if (err instanceof KubeHttpError && err.status === 404) continue;
      throw err;
    }
    if ((list.resources ?? []).some((r) => r.name === plural)) serving.push(version);
  }
  return serving;
}

function istioResource(kind: IstioKind): WatchedResource {
  const { group, versions } = ISTIO_KINDS[kind];
  const plural = pluralOf(kind);
  return {
    kind,
    async resolve(http) {
      const served = await servedVersions(http, group, plural);
      const version = served.find((v) => (versions as readonly string[]).includes(v));
      if (!version) return undefined;
      return {
        apiVersion: `${group}/${version}`,
        kind,
        path: `/apis/${group}/${version}/${plural}`,
      };
    },
  };
}

/** EndpointSlices where served (every supported Kubernetes), Endpoints as the fallback. */
const endpoints: WatchedResource = {
  kind: 'EndpointSlice',
  async resolve(http) {
    const served = await servedVersions(http, 'discovery.k8s.io', 'endpointslices');
    if (served.includes('v1')) {
      return {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        path: '/apis/discovery.k8s.io/v1/endpointslices',
      };
    }
    return { apiVersion: 'v1', kind: 'Endpoints', path: '/api/v1/endpoints' };
  },
};

export function watchedResources(): WatchedResource[] {
  return [
    { kind: 'Namespace', resolve: fixed('Namespace', 'v1', '/api/v1/namespaces') },
    { kind: 'Service', resolve: fixed('Service', 'v1', '/api/v1/services') },
    endpoints,
    { kind: 'Pod', resolve: fixed('Pod', 'v1', '/api/v1/pods') },
    ...(Object.keys(ISTIO_KINDS) as IstioKind[]).map(istioResource),
  ];
}
