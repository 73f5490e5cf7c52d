// Gateway (router) listeners: one per server port, HTTP, TLS passthrough and TCP servers.
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { DownstreamTlsContextSchema } from '../../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { buildGatewayListeners } from '../gateway-listeners.js';
import { rdsNamesOf, tcpProxyClusters, tcpProxyOfFilter } from '../inspect.js';
import { pod, proxyOf, service, world } from './fixtures.js';

const GW_NODE = 'router~10.244.9.10~gw-0.istio-system~istio-system.svc.cluster.local';
const GW_POD = `---
apiVersion: v1
kind: Pod
metadata: {name: gw-0, namespace: istio-system, labels: {istio: ingressgateway}}
status: {phase: Running, podIP: 10.244.9.10}
`;

function gateways(yaml: string) {
  const push = world(
    GW_POD +
      service('web', 'default', '10.96.0.9', '[{name: http, port: 80}]') +
      pod('web-0', 'default', 'web', '10.244.0.9') +
      yaml,
  );
  return buildGatewayListeners(proxyOf(push, GW_NODE), push);
}

const GATEWAY = `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["default/web.example.com"]
    tls: {mode: MUTUAL, credentialName: web-cert}
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [pass.example.com]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: pass, namespace: default}
spec:
  hosts: [pass.example.com]
  gateways: [gw]
  tls:
  - match: [{sniHosts: [pass.example.com]}]
    route: [{destination: {host: web, port: {number: 80}}}]
`;

describe('gateway listeners', () => {
  it('binds server ports as-is when no Service maps them, RDS http.<port>', () => {
    const ls = gateways(GATEWAY);
    expect(ls.map((l) => l.name)).toEqual(['0.0.0.0_80', '0.0.0.0_443']);
    const http = ls.find((l) => l.name === '0.0.0.0_80');
    expect(http && rdsNamesOf(http)).toEqual(['http.80']);
    expect(http?.bindToPort).toBeUndefined();
  });

  it('binds the target port of the gateway Service', () => {
    const svc = `---
apiVersion: v1
kind: Service
metadata: {name: ingress, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: http2, port: 80, targetPort: 8080}]
`;
    const ls = gateways(GATEWAY + svc);
    const http = ls.find((l) => l.name === '0.0.0.0_8080');
    expect(http && rdsNamesOf(http)).toEqual(['http.80']);
  });

  it('terminates HTTPS per server with the credentialName secret and its own RDS', () => {
    const l = gateways(GATEWAY).find((x) => x.name === '0.0.0.0_443');
    const chain = l?.filterChains.find((c) =>
      c.filterChainMatch?.serverNames.includes('web.example.com'),
    );
    expect(chain).toBeDefined();
    expect(l && rdsNamesOf(l)).toEqual(['https.443.https.gw.default']);
    const ts = chain?.transportSocket?.configType;
    const ctx =
      ts?.case === 'typedConfig' ? anyUnpack(ts.value, DownstreamTlsContextSchema) : undefined;
    expect(ctx?.commonTlsContext?.tlsCertificateSdsSecretConfigs[0].name).toBe(
      'kubernetes://web-cert',
    );
    const vc = ctx?.commonTlsContext?.validationContextType;
    expect(
      vc?.case === 'combinedValidationContext' && vc.value.validationContextSdsSecretConfig?.name,
    ).toBe('kubernetes://web-cert-cacert');
    expect(ctx?.requireClientCertificate).toBe(true);
  });

  it('passes TLS through by SNI to the VirtualService destination', () => {
    const l = gateways(GATEWAY).find((x) => x.name === '0.0.0.0_443');
    const chain = l?.filterChains.find((c) =>
      c.filterChainMatch?.serverNames.includes('pass.example.com'),
    );
    const tcp = chain && tcpProxyOfFilter(chain.filters[0]);
    expect(tcp && tcpProxyClusters(tcp)).toEqual(['outbound|80||web.default.svc.cluster.local']);
  });

  it('has no listeners when no Gateway selects the proxy', () => {
    expect(gateways('')).toEqual([]);
  });
});
