// `mini-istiod bootstrap` as the CLI runs it: output formats, flags and usage errors.
import { parse } from 'yaml';
import { runBootstrap } from '../../cli/commands/bootstrap.js';

const NODE = 'router~127.0.0.40~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local';

describe('mini-istiod bootstrap', () => {
  it('prints the Envoy bootstrap as JSON or YAML', () => {
    const json = runBootstrap({ nodeId: NODE, labels: 'istio=ingressgateway' });
    const yaml = runBootstrap({ nodeId: NODE, labels: 'istio=ingressgateway', output: 'yaml' });
    expect(json.exitCode).toBe(0);
    expect(parse(yaml.stdout ?? '')).toEqual(JSON.parse(json.stdout ?? ''));
    expect(JSON.parse(json.stdout ?? '')).toMatchObject({
      node: {
        id: NODE,
        metadata: { NAMESPACE: 'istio-system', LABELS: { istio: 'ingressgateway' } },
      },
    });
  });

  it('--namespace overrides the id, --grpc prints the gRPC bootstrap', () => {
    const out = runBootstrap({ nodeId: NODE, namespace: 'gw', grpc: true, mtls: true });
    const b = JSON.parse(out.stdout ?? '') as {
      node: { metadata: Record<string, unknown> };
      certificate_providers: Record<string, unknown>;
    };
    expect(b.node.metadata).toMatchObject({ NAMESPACE: 'gw', GENERATOR: 'grpc' });
    expect(Object.keys(b.certificate_providers)).toEqual(['default']);
  });

  it.each([
    [{ nodeId: 'nope' }, 'node id "nope"'],
    [{ nodeId: NODE, output: 'xml' }, '-o: expected json or yaml'],
    [{ nodeId: NODE, grpc: true, output: 'yaml' }, 'JSON only'],
    [{ nodeId: NODE, labels: 'app' }, '--labels: "app" is not key=value'],
    [{ nodeId: NODE, xdsAddress: 'istiod' }, '--xds-address'],
  ])('refuses %j with exit code 2', (opts, message) => {
    const r = runBootstrap(opts);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBeUndefined();
    expect(r.stderr.join('\n')).toContain(message);
  });
});
