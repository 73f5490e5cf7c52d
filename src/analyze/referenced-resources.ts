// IST0101 ReferencedResourceNotFound for VirtualServices, as istioctl analyze reports it:
// destination/mirror hosts with no Service or ServiceEntry, subsets no DestinationRule defines,
// and gateways that do not exist. Message text follows Istio's template `Referenced %s not found: %q`.
import type { ConfigResource } from '../model/config.js';
import type { Destination, VirtualServiceSpec } from '../model/istio-types.js';
import type { ConfigSnapshot } from '../model/push-context.js';
import type { ConfigError } from '../model/validation/types.js';
import { fqdnOf, hostMatches } from './hosts.js';

export function referencedResourceNotFound(
  s: ConfigSnapshot,
  suffix = 'cluster.local',
): ConfigError[] {
  const out: ConfigError[] = [];
  const known = knownHosts(s, suffix);
  const subsets = new Map<string, Set<string>>();
  for (const dr of s.destinationRules) {
    const host = fqdnOf(dr.spec.host, dr.metadata.namespace, suffix);
    const set = subsets.get(host) ?? new Set<string>();
    dr.spec.subsets?.forEach((ss) => set.add(ss.name));
    subsets.set(host, set);
  }
  const gateways = new Set(s.gateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`));
  for (const vs of s.virtualServices) {
    const ns = vs.metadata.namespace;
    const report = (field: string, reftype: string, refval: string): void => {
      out.push(error(vs, field, `Referenced ${reftype} not found: ${JSON.stringify(refval)}`));
    };
    for (const { field, dest, mirror } of destinations(vs.spec)) {
      const host = fqdnOf(dest.host, ns, suffix);
      if (!known.some((k) => hostMatches(k, host) || hostMatches(host, k))) {
        report(`${field}.host`, mirror ? 'mirror host' : 'host', dest.host);
        continue;
      }
      if (dest.subset && !subsets.get(host)?.has(dest.subset)) {
        const what = mirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule';
        report(`${field}.subset`, what, `${dest.host}+${dest.subset}`);
      }
    }
    const gwRefs: { field: string; name: string }[] = (vs.spec.gateways ?? []).map((name, i) => ({
      field: `spec.gateways[${i}]`,
      name,
    }));
    vs.spec.http?.forEach((r, i) =>
      r.match?.forEach((m, j) =>
        m.gateways?.forEach((name, k) =>
          gwRefs.push({ field: `spec.http[${i}].match[${j}].gateways[${k}]`, name }),
        ),
      ),
    );
    for (const { field, name } of gwRefs) {
      if (name === 'mesh') continue;
      const full = name.includes('/') ? name : `${ns}/${name}`;
      if (!gateways.has(full)) report(field, 'gateway', full);
    }
  }
  return out;
}

function knownHosts(s: ConfigSnapshot, suffix: string): string[] {
  const hosts: string[] = [];
  for (const r of s.kube) {
    if (r.kind === 'Service')
      hosts.push(`${r.metadata.name}.${r.metadata.namespace}.svc.${suffix}`);
  }
  for (const se of s.serviceEntries) hosts.push(...(se.spec.hosts ?? []));
  return hosts;
}

function* destinations(
  spec: VirtualServiceSpec,
): Generator<{ field: string; dest: Destination; mirror: boolean }> {
  for (const [kind, routes] of [
    ['http', spec.http],
    ['tcp', spec.tcp],
    ['tls', spec.tls],
  ] as const) {
    for (const [i, r] of (routes ?? []).entries()) {
      for (const [j, d] of (r.route ?? []).entries()) {
        if (d.destination)
          yield {
            field: `spec.${kind}[${i}].route[${j}].destination`,
            dest: d.destination,
            mirror: false,
          };
      }
    }
  }
  for (const [i, r] of (spec.http ?? []).entries()) {
    if (r.mirror) yield { field: `spec.http[${i}].mirror`, dest: r.mirror, mirror: true };
    for (const [j, m] of (r.mirrors ?? []).entries()) {
      yield {
        field: `spec.http[${i}].mirrors[${j}].destination`,
        dest: m.destination,
        mirror: true,
      };
    }
  }
}

function error(r: ConfigResource, field: string, message: string): ConfigError {
  return {
    code: 'IST0101',
    severity: 'Error',
    source: r.source,
    kind: r.kind,
    namespace: r.metadata.namespace,
    name: r.metadata.name,
    field,
    message,
  };
}
