// SDS references to the agent and the mTLS mode inferred for a destination.
import { toJson } from '@bufbuild/protobuf';

import { SdsSecretConfigSchema } from '../../../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { pushContextFromYaml } from '../../../model/testing/snapshot-from-yaml.js';
import type { Service } from '../../../model/service.js';
import { inferServiceMtlsMode, workloadMtlsMode } from '../mtls-mode.js';
import {
  adsSdsSecretConfig,
  credentialResourceName,
  credentialRootResourceName,
  fileCertResourceName,
  sdsSecretConfig,
} from '../sds.js';

describe('SDS references', () => {
  it('points agent secrets at the sds-grpc cluster', () => {
    expect(toJson(SdsSecretConfigSchema, sdsSecretConfig('ROOTCA'))).toEqual({
      name: 'ROOTCA',
      sdsConfig: {
        apiConfigSource: {
          apiType: 'GRPC',
          setNodeOnFirstMessageOnly: true,
          transportApiVersion: 'V3',
          grpcServices: [{ envoyGrpc: { clusterName: 'sds-grpc' } }],
        },
        initialFetchTimeout: '0s',
        resourceApiVersion: 'V3',
      },
    });
  });

  it('points credentialName secrets at ADS with kubernetes:// names', () => {
    expect(toJson(SdsSecretConfigSchema, adsSdsSecretConfig('kubernetes://x'))).toEqual({
      name: 'kubernetes://x',
      sdsConfig: { ads: {}, resourceApiVersion: 'V3' },
    });
    expect(credentialResourceName('cert')).toBe('kubernetes://cert');
    expect(credentialResourceName('file:///a')).toBe('file:///a');
    expect(credentialRootResourceName('cert')).toBe('kubernetes://cert-cacert');
    expect(fileCertResourceName('/c', '/k')).toBe('file-cert:/c~/k');
  });
});

describe('mTLS mode inference', () => {
  const yaml = `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec: { mtls: { mode: STRICT } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: legacy }
spec: { mtls: { mode: DISABLE } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: db, namespace: default }
spec:
  selector: { matchLabels: { app: db } }
  mtls: { mode: STRICT }
  portLevelMtls: { '5432': { mode: DISABLE } }
`;
  const push = pushContextFromYaml(yaml);
  const svc = (namespace: string, meshExternal = false): Service => ({
    hostname: `x.${namespace}.svc.cluster.local`,
    namespace,
    name: 'x',
    addresses: [],
    ports: [],
    resolution: 'ClientSideLB',
    meshExternal,
    registry: 'Kubernetes',
    exportTo: ['*'],
    labels: {},
    serviceAccounts: [],
    configKey: `Service/${namespace}/x`,
  });

  it('namespace policy beats the mesh policy; external and explicit TLS short-circuit', () => {
    expect(inferServiceMtlsMode(push, undefined, svc('legacy'))).toBe('DISABLE');
    expect(inferServiceMtlsMode(push, undefined, svc('default'))).toBe('STRICT');
    expect(inferServiceMtlsMode(push, undefined, svc('default', true))).toBe('DISABLE');
    expect(inferServiceMtlsMode(push, { tls: { mode: 'SIMPLE' } }, svc('default'))).toBe('UNKNOWN');
  });

  it('workload policies apply per port', () => {
    expect(workloadMtlsMode(push, 'default', { app: 'db' }, 5432)).toBe('DISABLE');
    expect(workloadMtlsMode(push, 'default', { app: 'db' }, 8080)).toBe('STRICT');
    expect(workloadMtlsMode(push, 'legacy', { app: 'web' }, 80)).toBe('DISABLE');
  });
});
