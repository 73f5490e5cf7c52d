// `mini-istiod proxy-status [<pod>.<ns>]`: istioctl's table of every connected proxy and whether
// each xDS type it was sent is SYNCED, STALE, NOT SENT or ERROR (with the NACK text), from
// /debug/syncz. With a proxy name: per type, the resources the proxy ACKed vs what the server
// would send it now (/debug/sync_diff), listing every resource that differs.
import type { Command } from 'commander';
import type { ProxySync, TypeSync } from '../../debug/sync-status.js';
import type { ProxyDiff } from '../../debug/sync-diff.js';
import { colourEnabled, paint, stateColour } from '../format/colour.js';
import { age, emit, guarded, ok, structured, type CommandResult } from '../format/output.js';
import { renderTable } from '../format/table.js';
import { DEFAULT_SERVER, getJson, proxyQuery } from '../remote/debug-api.js';

export interface ProxyStatusOptions {
  server?: string;
  output?: string;
  colour?: boolean;
  /** For stable tests: the time ages are computed against. */
  now?: number;
}

export function statusCell(t: TypeSync, now = Date.now()): string {
  if (t.state === 'ERROR') return `ERROR: ${t.error ?? ''}`;
  if (t.state === 'SYNCED') return `SYNCED (${age(t.ackedAt ?? t.sentAt, now)})`;
  return t.state;
}

export const STATUS_HEADERS = ['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ISTIOD', 'VERSION'];

export function statusRows(list: readonly ProxySync[], now = Date.now()): string[][] {
  return list.map((p) => [
    p.name,
    'Kubernetes',
    statusCell(p.cds, now),
    statusCell(p.lds, now),
    statusCell(p.eds, now),
    statusCell(p.rds, now),
    'mini-istiod',
    p.istioVersion ?? (p.generator === 'grpc' ? 'proxyless-grpc' : 'unknown'),
  ]);
}

function renderDiff(id: string, diffs: readonly ProxyDiff[], colour: boolean): string {
  const out: string[] = [];
  const noun: Record<string, string> = {
    cds: 'Clusters',
    lds: 'Listeners',
    rds: 'Routes',
    eds: 'Endpoints',
    sds: 'Secrets',
  };
  for (const d of diffs) {
    out.push(`Proxy ${id} (${d.nodeId}), stream ${d.connectionId}`);
    for (const t of d.types) {
      const label = noun[t.type] ?? t.type;
      const state = t.state === 'ERROR' ? `ERROR: ${t.error ?? ''}` : t.state;
      const head = `${t.type.toUpperCase()}  ${paint(state.padEnd(8), stateColour(state) ?? 'bold', colour)}`;
      if (t.differences.length === 0) {
        out.push(
          `${head}  ${label} Match (${t.currentResources} resources, version ${t.ackedVersion ?? '-'})`,
        );
        continue;
      }
      out.push(
        `${head}  ${label} Don't Match: proxy ACKed ${t.ackedResources ?? 0} (version ${t.ackedVersion ?? '-'}), server has ${t.currentResources} (last sent ${t.sentVersion ?? '-'})`,
      );
      for (const r of t.differences) {
        const mark = r.change === 'added' ? '+' : r.change === 'removed' ? '-' : '~';
        const versions = r.change === 'changed' ? ` (${r.ackedVersion} → ${r.currentVersion})` : '';
        out.push(`    ${mark} ${r.name}  ${r.change}${versions}`);
      }
    }
    out.push(d.inSync ? 'In sync: the proxy runs what the server would send now.' : 'Out of sync.');
  }
  return `${out.join('\n')}\n`;
}

export async function runProxyStatus(
  proxy: string | undefined,
  opts: ProxyStatusOptions = {},
): Promise<CommandResult> {
  return guarded(async () => {
    const server = opts.server ?? DEFAULT_SERVER;
    const colour = opts.colour ?? colourEnabled();
    if (proxy) {
      const diffs = (await getJson(server, `/debug/sync_diff${proxyQuery(proxy)}`)) as ProxyDiff[];
      return ok(structured(diffs, opts.output) ?? renderDiff(proxy, diffs, colour));
    }
    const list = (await getJson(server, '/debug/syncz')) as ProxySync[];
    const asData = structured(list, opts.output);
    if (asData) return ok(asData);
    return ok(
      renderTable(STATUS_HEADERS, statusRows(list, opts.now), {
        paint: (text, column) => {
          const c = column >= 2 && column <= 5 ? stateColour(text) : undefined;
          return c ? paint(text, c, colour) : text;
        },
      }),
    );
  });
}

export function registerProxyStatus(program: Command): void {
  program
    .command('proxy-status [proxy]')
    .alias('ps')
    .description(
      'Sync status of every connected proxy (SYNCED, STALE, NOT SENT, ERROR); with <pod>.<ns>, what differs between the config the proxy ACKed and what the server would send now',
    )
    .option('--server <url>', 'debug address of a running mini-istiod', DEFAULT_SERVER)
    .option('-o, --output <format>', 'table, json or yaml', 'table')
    .action(async (proxy: string | undefined, opts: { server: string; output: string }) => {
      emit(await runProxyStatus(proxy, opts));
    });
}
