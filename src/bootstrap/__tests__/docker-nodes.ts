// The Envoys of docker-compose.yml and the `mini-istiod bootstrap` arguments that produced their
// committed bootstrap files (examples/docker/bootstrap/*.json). examples/README.md lists the
// same commands for regenerating them by hand.
import type { BootstrapCommandOptions } from '../../cli/commands/bootstrap.js';

export const DOCKER_XDS_ADDRESS = 'mini-istiod:15010';

export interface DockerNode {
  /** File name under examples/docker/bootstrap/. */
  file: string;
  /** The compose service whose network namespace (and so IP) the Envoy uses. */
  appService: string;
  args: BootstrapCommandOptions;
}

const node = (file: string, appService: string, nodeId: string, labels: string): DockerNode => ({
  file,
  appService,
  args: { nodeId, labels, xdsAddress: DOCKER_XDS_ADDRESS },
});

export const DOCKER_NODES: DockerNode[] = [
  node(
    'ingressgateway.json',
    'ingressgateway',
    'router~172.28.0.10~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local',
    'app=istio-ingressgateway,istio=ingressgateway',
  ),
  node(
    'hello-web.json',
    'hello-web',
    'sidecar~172.28.0.20~hello-web-0.default~default.svc.cluster.local',
    'app=hello-web,version=v1',
  ),
  node(
    'greeter-v1.json',
    'greeter-v1',
    'sidecar~172.28.0.31~greeter-v1-0.default~default.svc.cluster.local',
    'app=greeter,version=v1',
  ),
  node(
    'greeter-v2.json',
    'greeter-v2',
    'sidecar~172.28.0.32~greeter-v2-0.default~default.svc.cluster.local',
    'app=greeter,version=v2',
  ),
];
