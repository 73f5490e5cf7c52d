// The decision of the validating admission webhook for one AdmissionReview (admission.k8s.io/v1):
// the object being created or updated goes through the same validation as every other config
// (validateResource), and a refusal carries exactly the lines `mini-istiod analyze` prints for it,
// the object being named by its Kubernetes origin (`k8s://Kind/ns/name`).
import { formatConfigError } from '../../../model/validation/types.js';
import { validateResource } from '../../../model/validation/validate-resource.js';
import { originOf } from '../object-updates.js';

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason: string; message: string };
  warnings?: string[];
}

export interface AdmissionReviewResponse {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws on a body that is not an AdmissionReview request (the server answers 400). */
export function reviewAdmission(review: unknown): AdmissionReviewResponse {
  if (!isObj(review) || !isObj(review.request) || typeof review.request.uid !== 'string') {
    throw new Error('not an admission.k8s.io/v1 AdmissionReview request');
  }
  const req = review.request;
  const uid = review.request.uid;
  const answer = (response: Omit<AdmissionResponse, 'uid'>): AdmissionReviewResponse => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid, ...response },
  });
  // Deletes (and anything without an object) are never refused.
  if (req.operation === 'DELETE' || !isObj(req.object)) return answer({ allowed: true });

  const object = req.object;
  const meta = isObj(object.metadata) ? object.metadata : {};
  const namespace =
    (typeof meta.namespace === 'string' && meta.namespace) ||
    (typeof req.namespace === 'string' && req.namespace) ||
    undefined;
  // generateName objects have no name yet; the request's name is the best we have.
  const name = (typeof meta.name === 'string' && meta.name) || String(req.name ?? '');
  const kind = typeof object.kind === 'string' ? object.kind : 'Unknown';
  const source = { file: originOf({ kind, namespace, name }) };
  const raw = { ...object, metadata: { ...meta, ...(namespace ? { namespace } : {}) } };
  delete (raw.metadata as Record<string, unknown>).managedFields;

  const result = validateResource(raw, source);
  const warnings = result.warnings
    .filter((w) => w.code !== 'UnsupportedKind')
    .map(formatConfigError);
  if (result.ok) return answer({ allowed: true, ...(warnings.length ? { warnings } : {}) });
  return answer({
    allowed: false,
    status: {
      code: 400,
      reason: 'Invalid',
      message: result.errors.map(formatConfigError).join('\n'),
    },
    ...(warnings.length ? { warnings } : {}),
  });
}
