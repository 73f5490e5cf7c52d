// `mini-istiod describe pod <pod>.<ns>`: the services a workload belongs to and the Istio config
// that shapes its traffic (VirtualServices, DestinationRules and the subsets its labels match,
// Sidecar, PeerAuthentication, AuthorizationPolicy), from the server's /debug/describe, which
// computes it from the same push context translation uses.
import type { Command } from 'commander';
import type { PodDescription } from '../../debug/describe.js';
import { colourEnabled, paint } from '../format/colour.js';
import { emit, fail, guarded, ok, structured, type CommandResult } from '../format/output.js';
import { DEFAULT_SERVER, getJson, proxyQuery } from '../remote/debug-api.js';

export interface DescribeOptions {
  server?: string;
  output?: string;
  colour?: boolean;
}

export function renderDescription(d: PodDescription, colour = false): string {
  const b = (s: string) => paint(s, 'bold', colour);
  const out: string[] = [];
  out.push(`${b('Pod:')} ${d.name}.${d.namespace}`);
  if (d.ip) out.push(`   IP: ${d.ip}`);
  const labels = Object.entries(d.labels).map(([k, v]) => `${k}=${v}`);
  out.push(`   Labels: ${labels.length ? labels.join(', ') : '(none)'}`);
  if (d.serviceAccount) out.push(`   Service account: ${d.serviceAccount}`);
  out.push(
    d.connected
      ? `   Proxy: connected (${d.proxyKind ?? 'sidecar'}, ${d.nodeId ?? ''})`
      : '   Proxy: not connected',
  );
  if (d.services.length === 0) out.push('   (no service selects this workload)');
  for (const s of d.services) {
    out.push('--------------------');
    out.push(`${b('Service:')} ${s.name}.${s.namespace} (${s.hostname})`);
    for (const p of s.ports) {
      const target = p.targetPort ? ` targets pod port ${p.targetPort}` : '';
      out.push(`   Port: ${p.name || '-'} ${p.port}/${p.protocol}${target}`);
    }
    const dr = s.destinationRule;
    if (dr) {
      out.push(`${b('DestinationRule:')} ${dr.name}.${dr.namespace} for "${dr.host}"`);
      if (dr.matchingSubsets.length + dr.nonMatchingSubsets.length > 0) {
        out.push(`   Matching subsets: ${dr.matchingSubsets.join(', ') || '(none)'}`);
        if (dr.nonMatchingSubsets.length) {
          out.push(`      (Non-matching subsets ${dr.nonMatchingSubsets.join(', ')})`);
        }
      }
      if (dr.policy.length === 0) out.push('   No traffic policy');
      for (const line of dr.policy) out.push(`   Traffic policy ${line}`);
    } else {
      out.push('DestinationRule: none (default cluster settings, auto mTLS)');
    }
    if (s.virtualServices.length === 0)
      out.push('VirtualService: none (default route to all endpoints)');
    for (const vs of s.virtualServices) {
      out.push(`${b('VirtualService:')} ${vs.name}.${vs.namespace} (hosts ${vs.hosts.join(', ')})`);
      out.push(`   ${vs.routes.length} route(s)`);
      for (const r of vs.routes) out.push(`   ${r}`);
    }
  }
  out.push('--------------------');
  if (d.sidecar) {
    out.push(`${b('Sidecar:')} ${d.sidecar.name}.${d.sidecar.namespace}`);
    for (const line of d.sidecar.summary) out.push(`   ${line}`);
  } else {
    out.push('Sidecar: none (the workload sees every exported service)');
  }
  out.push(
    `${b('Effective PeerAuthentication:')} workload mTLS mode ${d.effectiveMtls}` +
      (Object.keys(d.portLevelMtls).length
        ? `; ports ${Object.entries(d.portLevelMtls)
            .map(([p, m]) => `${p}: ${m}`)
            .join(', ')}`
        : ''),
  );
  for (const pa of d.peerAuthentications) {
    out.push(`   Applied PeerAuthentication: ${pa.name}.${pa.namespace} (mode ${pa.mode})`);
  }
  for (const ap of d.authorizationPolicies) {
    out.push(`${b('AuthorizationPolicy:')} ${ap.name}.${ap.namespace} (${ap.action})`);
  }
  return `${out.join('\n')}\n`;
}

export async function runDescribe(
  resource: string,
  name: string,
  opts: DescribeOptions = {},
): Promise<CommandResult> {
  if (resource !== 'pod' && resource !== 'po') {
    return fail(`describe supports only "pod", not ${JSON.stringify(resource)}`, 2);
  }
  return guarded(async () => {
    const d = (await getJson(
      opts.server ?? DEFAULT_SERVER,
      `/debug/describe${proxyQuery(name)}`,
    )) as PodDescription;
    return ok(structured(d, opts.output) ?? renderDescription(d, opts.colour ?? colourEnabled()));
  });
}

export function registerDescribe(program: Command): void {
  program
    .command('describe <resource> <name>')
    .description(
      'describe pod <pod>.<ns>: the services, VirtualServices, DestinationRules (and matching subsets), Sidecar and PeerAuthentication that apply to a workload',
    )
    .option('--server <url>', 'debug address of a running mini-istiod', DEFAULT_SERVER)
    .option('-o, --output <format>', 'text, json or yaml', 'text')
    .action(async (resource: string, name: string, opts: DescribeOptions) => {
      emit(await runDescribe(resource, name, opts));
    });
}
