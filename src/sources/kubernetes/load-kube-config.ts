// Which credentials the Kubernetes source uses: an explicit kubeconfig file (`--kubeconfig`), else
// the pod's service account when running in a cluster, else the usual $KUBECONFIG/~/.kube/config.
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeConfigChoice {
  /** Path of a kubeconfig file. */
  kubeconfig?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
}

export function loadKubeConfig(choice: KubeConfigChoice = {}): KubeConfig {
  const kc = new KubeConfig();
  if (choice.kubeconfig) kc.loadFromFile(choice.kubeconfig);
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (choice.context) kc.setCurrentContext(choice.context);
  if (!kc.getCurrentCluster()) {
    throw new Error(
      choice.kubeconfig
        ? `kubeconfig ${choice.kubeconfig} has no current cluster`
        : 'no Kubernetes credentials found (use --kubeconfig PATH)',
    );
  }
  return kc;
}
