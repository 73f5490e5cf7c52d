// Label selection and workload identity helpers shared by the registries and the push context.

/** A selector matches when every key/value it names is present in the labels (empty matches all). */
export function selectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] !== v) return false;
  }
  return true;
}

/** Istio's SPIFFE identity of a Kubernetes service account. */
export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/** `istio` when the injector marked the workload as having a sidecar, else `disabled`. */
export function tlsModeFromLabels(labels: Record<string, string>): 'istio' | 'disabled' {
  return labels[TLS_MODE_LABEL] === 'istio' ? 'istio' : 'disabled';
}

/** Istio's locality label value uses `.` as separator; the model uses `region/zone/subzone`. */
export function localityFromLabels(labels: Record<string, string>): string | undefined {
  const l = labels['istio-locality'];
  return l ? l.replace(/\./g, '/') : undefined;
}
