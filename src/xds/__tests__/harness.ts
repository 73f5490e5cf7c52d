// Starts a real AdsServer on 127.0.0.1 with an ephemeral port and tracks clients for cleanup.
import { AdsServer, type AdsServerOptions } from '../ads-server.js';
import { SnapshotCache } from '../snapshot-cache.js';
import { FakeDeltaClient, FakeSotwClient } from './fake-ads-client.js';

export interface Harness {
  server: AdsServer;
  cache: SnapshotCache;
  address: string;
  sotw(nodeId: string): FakeSotwClient;
  delta(nodeId: string): FakeDeltaClient;
  stop(): Promise<void>;
}

export async function startHarness(options: Partial<AdsServerOptions> = {}): Promise<Harness> {
  const cache = options.cache ?? new SnapshotCache();
  const server = new AdsServer({ ...options, cache });
  const port = await server.listen('127.0.0.1', 0);
  const address = `127.0.0.1:${port}`;
  const clients: { close(): void }[] = [];
  return {
    server,
    cache,
    address,
    sotw: (nodeId) => {
      const c = new FakeSotwClient(address, nodeId);
      clients.push(c);
      return c;
    },
    delta: (nodeId) => {
      const c = new FakeDeltaClient(address, nodeId);
      clients.push(c);
      return c;
    },
    stop: async () => {
      for (const c of clients) c.close();
      await server.shutdown(500);
    },
  };
}
