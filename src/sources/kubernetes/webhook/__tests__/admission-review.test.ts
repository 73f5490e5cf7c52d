// The validating admission webhook: AdmissionReview in, allowed/denied with reasons out.
import { formatConfigError } from '../../../../model/validation/types.js';
import { validateResource } from '../../../../model/validation/validate-resource.js';
import { reviewAdmission } from '../admission-review.js';

const vs = (http: unknown[]) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', managedFields: [{ manager: 'kubectl' }] },
  spec: { hosts: ['reviews'], http },
});

const review = (object: unknown, operation = 'CREATE') => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u-1', operation, namespace: 'bookinfo', name: 'reviews', object },
});

// A route destination without a host: refused by Istio's validation (and so by mini-istiod's).
const badHttp = [{ route: [{ destination: { subset: 'v1' } }] }];

describe('reviewAdmission', () => {
  it('allows a valid VirtualService, echoing the request uid', () => {
    const out = reviewAdmission(
      review(vs([{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }])),
    );
    expect(out).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u-1', allowed: true },
    });
  });

  it('refuses an invalid one with the lines analyze prints for it', () => {
    const out = reviewAdmission(review(vs(badHttp)));
    expect(out.response.allowed).toBe(false);
    expect(out.response.status?.code).toBe(400);
    const source = { file: 'k8s://VirtualService/bookinfo/reviews' };
    const direct = validateResource(
      { ...vs(badHttp), metadata: { name: 'reviews', namespace: 'bookinfo' } },
      source,
    );
    expect(direct.ok).toBe(false);
    const expected = direct.ok ? '' : direct.errors.map(formatConfigError).join('\n');
    expect(out.response.status?.message).toBe(expected);
    expect(out.response.status?.message).toMatch(
      /^Error \[IST0106\] k8s:\/\/VirtualService\/bookinfo\/reviews VirtualService bookinfo\/reviews /,
    );
  });

  it('never refuses a delete, and rejects what is not an AdmissionReview', () => {
    expect(reviewAdmission(review(vs(badHttp), 'DELETE')).response.allowed).toBe(true);
    expect(() => reviewAdmission({ request: {} })).toThrow(/AdmissionReview/);
  });
});
