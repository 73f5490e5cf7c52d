// The snapshot-set file handed to the go-control-plane baseline: every node's resources as the
// exact bytes mini-istiod would send, each distinct resource stored once.
// Layout (little endian; str/bytes = u32 length + bytes), read by bench/go-control-plane/main.go:
//   "MISNAP1\n"
//   u32 resourceCount, per resource: str typeUrl, str name, bytes value
//   u32 nodeCount, per node: str nodeId, u32 n, n × u32 resource index
import { writeFileSync } from 'node:fs';
import type { Snapshot } from '../../src/xds/snapshot-cache.js';

const MAGIC = 'MISNAP1\n';

class Writer {
  private readonly chunks: Buffer[] = [];
  size = 0;

  raw(b: Uint8Array): void {
    this.chunks.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    this.size += b.byteLength;
  }

  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.raw(b);
  }

  bytes(b: Uint8Array): void {
    this.u32(b.byteLength);
    this.raw(b);
  }

  str(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }

  result(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** Encodes node snapshots; resources shared between nodes (same object) are written once. */
export function encodeSnapshotSet(nodes: ReadonlyMap<string, Snapshot>): Buffer {
  const index = new Map<object, number>();
  const resources: { typeUrl: string; name: string; bytes: Uint8Array }[] = [];
  const perNode: [string, number[]][] = [];
  for (const [nodeId, snapshot] of nodes) {
    const refs: number[] = [];
    for (const byName of snapshot.values()) {
      for (const r of byName.values()) {
        let i = index.get(r);
        if (i === undefined) {
          i = resources.length;
          index.set(r, i);
          resources.push({ typeUrl: r.typeUrl, name: r.name, bytes: r.bytes });
        }
        refs.push(i);
      }
    }
    perNode.push([nodeId, refs]);
  }
  const w = new Writer();
  w.raw(Buffer.from(MAGIC, 'utf8'));
  w.u32(resources.length);
  for (const r of resources) {
    w.str(r.typeUrl);
    w.str(r.name);
    w.bytes(r.bytes);
  }
  w.u32(perNode.length);
  for (const [nodeId, refs] of perNode) {
    w.str(nodeId);
    w.u32(refs.length);
    for (const i of refs) w.u32(i);
  }
  return w.result();
}

export function writeSnapshotSet(file: string, nodes: ReadonlyMap<string, Snapshot>): number {
  const buf = encodeSnapshotSet(nodes);
  writeFileSync(file, buf);
  return buf.length;
}
