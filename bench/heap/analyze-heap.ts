// Summarises a V8 .heapsnapshot without DevTools: self size and count per constructor (node
// name for objects, node type otherwise), and for the largest groups the most common retainer
// chain (first retainer that is not an internal/weak edge, up to a few hops). Usage:
//   node dist-bench/bench/heap/analyze-heap.js <file.heapsnapshot> [top=30]
import { readFileSync } from 'node:fs';

interface RawSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[]];
      edge_fields: string[];
      edge_types: [string[]];
    };
    node_count: number;
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapGroup {
  key: string;
  count: number;
  selfBytes: number;
  retainers: [string, number][];
}

const PLAIN = new Set([
  'object:Object',
  'object:Array',
  'array',
  'hidden',
  'object:Uint8Array',
  'object:ArrayBuffer',
  'concatenated string',
  'string',
  'sliced string',
]);

export function analyze(raw: RawSnapshot, top: number): HeapGroup[] {
  const m = raw.snapshot.meta;
  const nf = m.node_fields.length;
  const ef = m.edge_fields.length;
  const [typeI, nameI, sizeI, edgeCountI] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    m.node_fields.indexOf(f),
  );
  const [eTypeI, eNameI, eToI] = ['type', 'name_or_index', 'to_node'].map((f) =>
    m.edge_fields.indexOf(f),
  );
  const nodeTypes = m.node_types[0];
  const edgeTypes = m.edge_types[0];
  const nodes = raw.nodes;
  const n = nodes.length / nf;
  const keyOf = (i: number): string => {
    const t = nodeTypes[nodes[i * nf + typeI]];
    const name = raw.strings[nodes[i * nf + nameI]];
    return t === 'object' || t === 'closure'
      ? `${t}:${name}`
      : `${t}${t === 'native' ? ':' + name.slice(0, 40) : ''}`;
  };
  // First strong retainer of every node.
  const retainer = new Int32Array(n).fill(-1);
  const retEdge: string[] = new Array(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const count = nodes[i * nf + edgeCountI];
    for (let k = 0; k < count; k++, e += ef) {
      const et = edgeTypes[raw.edges[e + eTypeI]];
      if (et === 'weak' || et === 'shortcut') continue;
      const to = raw.edges[e + eToI] / nf;
      if (retainer[to] === -1) {
        retainer[to] = i;
        const nm = raw.edges[e + eNameI];
        retEdge[to] = et === 'element' || et === 'hidden' ? `[${nm}]` : String(raw.strings[nm]);
      }
    }
  }
  const groups = new Map<
    string,
    { count: number; selfBytes: number; chains: Map<string, number> }
  >();
  for (let i = 0; i < n; i++) {
    const key = keyOf(i);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { count: 0, selfBytes: 0, chains: new Map() }));
    g.count++;
    const size = nodes[i * nf + sizeI];
    g.selfBytes += size;
    // Sample chains (every node would be slow on millions of nodes).
    if (g.count % 50 === 1) {
      // Plain data (message objects, arrays, strings) is skipped: the chain shows the first
      // owners above it (a Map, a class instance, a closure), which is what to fix.
      const hops: string[] = [];
      let cur = i;
      for (let h = 0; h < 200 && hops.length < 4 && retainer[cur] !== -1; h++) {
        const owner = keyOf(retainer[cur]);
        if (!PLAIN.has(owner) || hops.length > 0) hops.push(`${retEdge[cur]}<${owner}`);
        cur = retainer[cur];
      }
      const chain = hops.join(' ');
      g.chains.set(chain, (g.chains.get(chain) ?? 0) + 1);
    }
  }
  return [...groups]
    .map(([key, g]) => ({
      key,
      count: g.count,
      selfBytes: g.selfBytes,
      retainers: [...g.chains].sort((a, b) => b[1] - a[1]).slice(0, 3),
    }))
    .sort((a, b) => b.selfBytes - a.selfBytes)
    .slice(0, top);
}

if (process.argv[1]?.endsWith('analyze-heap.js')) {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 30);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
  const groups = analyze(raw, top);
  const total = groups.reduce((s, g) => s + g.selfBytes, 0);
  console.log(`top ${top} groups: ${(total / 1048576).toFixed(1)} MiB`);
  for (const g of groups) {
    console.log(
      `${(g.selfBytes / 1048576).toFixed(1).padStart(8)} MiB ${String(g.count).padStart(9)}  ${g.key}`,
    );
    for (const [chain, c] of g.retainers)
      console.log(`             ${String(c).padStart(5)}× ${chain}`);
  }
}
