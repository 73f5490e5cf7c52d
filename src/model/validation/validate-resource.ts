// Turns one raw document into a validated ConfigResource, or the errors that reject it.
// Order: apiVersion/kind (unknown kinds are skipped with a warning), metadata.name, the CRD schema
// (IST0106), then Istio's semantic rules (also IST0106, as istioctl reports webhook errors).
import {
  ISTIO_KINDS,
  KUBE_KINDS,
  isIstioKind,
  isKubeKind,
  type ConfigResource,
  type ObjectMeta,
  type RawObject,
  type SourceRef,
} from '../config.js';
import { crdSchema } from './crd-schemas.js';
import { validateSchema } from './schema.js';
import { isDns1123Subdomain } from './semantic/checks.js';
import { validateIstioSemantics } from './semantic/index.js';
import { validateKubeObject } from './semantic/kube.js';
import type { ConfigError, ValidationResult } from './types.js';

export const SCHEMA_ERROR = 'IST0106';
/** Not an Istio code: a document of a kind mini-istiod does not read. */
export const UNSUPPORTED_KIND = 'UnsupportedKind';

const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateResource(
  raw: RawObject,
  source: SourceRef,
): ValidationResult<ConfigResource> {
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  const kind = typeof raw.kind === 'string' ? raw.kind : '';
  const meta = isObj(raw.metadata) ? raw.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : undefined;
  const namespace =
    typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default';
  const errors: ConfigError[] = [];
  const warnings: ConfigError[] = [];
  const report = (
    field: string | undefined,
    message: string,
    severity: 'Error' | 'Warning' = 'Error',
  ): void => {
    const e: ConfigError = {
      code: SCHEMA_ERROR,
      severity,
      source,
      kind: kind || undefined,
      namespace,
      name,
      field,
      message,
    };
    (severity === 'Error' ? errors : warnings).push(e);
  };

  if (!apiVersion || !kind) {
    report(
      !apiVersion ? 'apiVersion' : 'kind',
      `${!apiVersion ? 'apiVersion' : 'kind'} is required`,
    );
    return { ok: false, errors, warnings };
  }
  const supported = supportedVersion(apiVersion, kind);
  if (supported === 'unknown-kind') {
    warnings.push({
      code: UNSUPPORTED_KIND,
      severity: 'Warning',
      source,
      kind,
      namespace,
      name,
      message: `${apiVersion} ${kind} is not read by mini-istiod; skipped`,
    });
    return { ok: false, errors, warnings };
  }
  if (supported === 'bad-version') {
    report('apiVersion', `unsupported apiVersion ${JSON.stringify(apiVersion)} for kind ${kind}`);
    return { ok: false, errors, warnings };
  }
  if (name === undefined || name === '')
    report('metadata.name', 'Required value: name is required');
  else if (!isDns1123Subdomain(name)) {
    report(
      'metadata.name',
      `invalid name ${JSON.stringify(name)}: must be a lowercase RFC 1123 subdomain`,
    );
  }
  if (
    isObj(raw.metadata) &&
    meta.namespace !== undefined &&
    !(typeof meta.namespace === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(meta.namespace))
  ) {
    report('metadata.namespace', `invalid namespace ${JSON.stringify(meta.namespace)}`);
  }

  if (isIstioKind(kind)) {
    for (const key of Object.keys(raw)) {
      if (!TOP_LEVEL.has(key)) report(key, 'unknown field');
    }
    const schema = crdSchema(apiVersion, kind);
    const specSchema = schema?.properties?.spec;
    if (specSchema) {
      for (const issue of validateSchema(raw.spec ?? {}, specSchema, 'spec'))
        report(issue.field, issue.message);
    }
    if (errors.length === 0) {
      for (const i of validateIstioSemantics(kind, raw.spec, namespace).list) {
        report(i.field, i.message, i.severity === 'Warning' ? 'Warning' : 'Error');
      }
    }
  } else {
    for (const i of validateKubeObject(kind, raw).list)
      report(i.field, i.message, i.severity === 'Warning' ? 'Warning' : 'Error');
  }
  if (errors.length > 0) return { ok: false, errors, warnings };

  const metadata = { ...(meta as unknown as ObjectMeta), name: name as string, namespace };
  const value: ConfigResource = { apiVersion, kind, metadata, spec: raw.spec ?? {}, raw, source };
  return { ok: true, value, warnings };
}

function supportedVersion(apiVersion: string, kind: string): 'ok' | 'unknown-kind' | 'bad-version' {
  if (isIstioKind(kind)) {
    const { group, versions } = ISTIO_KINDS[kind];
    const [g, v] = apiVersion.split('/');
    if (g !== group) return 'unknown-kind';
    return (versions as readonly string[]).includes(v) ? 'ok' : 'bad-version';
  }
  if (isKubeKind(kind)) {
    return (KUBE_KINDS[kind].apiVersions as readonly string[]).includes(apiVersion)
      ? 'ok'
      : 'unknown-kind';
  }
  return 'unknown-kind';
}
