// The Kubernetes config source (`serve --kubeconfig PATH`, or in-cluster credentials).
export {
  KubernetesSource,
  createKubernetesSource,
  type KubernetesSourceOptions,
} from './kubernetes-source.js';
export { loadKubeConfig, type KubeConfigChoice } from './load-kube-config.js';
export { originOf } from './object-updates.js';
export type { ReflectorOptions } from './reflector.js';
export {
  ValidationWebhook,
  WEBHOOK_PATH,
  type ValidationWebhookOptions,
} from './webhook/webhook-server.js';
export { reviewAdmission } from './webhook/admission-review.js';
