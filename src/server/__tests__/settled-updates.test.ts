// Updates a source already debounced (the file source marks them settled) are pushed without the
// server's own quiet window; anything else still waits for it.
import { BOOKINFO } from '../../translate/__tests__/world.js';
import { DiscoveryServer } from '../discovery-server.js';
import { MemorySource } from './support/memory-source.js';

const virtualService = (timeout: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews}}], timeout: ${timeout}}]`;

describe('DiscoveryServer push debounce and settled updates', () => {
  let server: DiscoveryServer;
  let source: MemorySource;

  beforeAll(async () => {
    source = new MemorySource(new Map([['world', BOOKINFO]]));
    // A window far longer than the test waits: only a push that skips it can be seen.
    server = new DiscoveryServer({
      sources: [source],
      debounceMs: 60_000,
      debounceMaxMs: 120_000,
      log: () => undefined,
    });
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
  });

  const pushed = async (since: number, waitMs: number): Promise<boolean> => {
    const until = Date.now() + waitMs;
    while (Date.now() < until) {
      if (server.history.total > since) return true;
      await new Promise((r) => setTimeout(r, 5));
    }
    return server.history.total > since;
  };

  it('pushes a settled update at once', async () => {
    const before = server.history.total;
    source.setSettled('vs', virtualService('3s'));
    expect(await pushed(before, 5_000)).toBe(true);
  });

  it('holds an unsettled update for the quiet window, and a settled one pending with it', async () => {
    const before = server.history.total;
    source.set('vs', virtualService('4s'));
    source.setSettled('vs2', virtualService('5s').replace('name: reviews', 'name: reviews-b'));
    expect(await pushed(before, 300)).toBe(false);
  });
});
