// The `virtualOutbound` listener and its outbound traffic policy (ALLOW_ANY / REGISTRY_ONLY).
import { tcpProxyClusters, tcpProxyOfFilter } from '../inspect.js';
import { buildVirtualOutboundListener } from '../virtual-outbound.js';

function defaultCluster(policy: 'ALLOW_ANY' | 'REGISTRY_ONLY'): string[] {
  const l = buildVirtualOutboundListener(policy);
  const tcp = l.defaultFilterChain?.filters.map(tcpProxyOfFilter).find((t) => t);
  return tcp ? tcpProxyClusters(tcp) : [];
}

describe('virtualOutbound', () => {
  it('listens on 0.0.0.0:15001 and hands connections over by original destination', () => {
    const l = buildVirtualOutboundListener('ALLOW_ANY');
    expect(l.name).toBe('virtualOutbound');
    expect(l.useOriginalDst).toBe(true);
    const a = l.address?.address;
    expect(a?.case === 'socketAddress' && a.value.portSpecifier.value).toBe(15001);
  });

  it('forwards unknown destinations as-is under ALLOW_ANY and drops them under REGISTRY_ONLY', () => {
    expect(defaultCluster('ALLOW_ANY')).toEqual(['PassthroughCluster']);
    expect(defaultCluster('REGISTRY_ONLY')).toEqual(['BlackHoleCluster']);
  });

  it('black-holes traffic addressed to 15001 itself', () => {
    const chain = buildVirtualOutboundListener('ALLOW_ANY').filterChains[0];
    expect(chain.filterChainMatch?.destinationPort).toBe(15001);
    const tcp = chain.filters.map(tcpProxyOfFilter).find((t) => t);
    expect(tcp && tcpProxyClusters(tcp)).toEqual(['BlackHoleCluster']);
  });
});
