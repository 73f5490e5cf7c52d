// Istio's CRDs carry x-kubernetes-validations (CEL). We do not embed a CEL interpreter: the rules
// that occur in the networking/security CRDs are recognised by their exact text and checked by
// hand here. A rule not listed is ignored (the semantic validators cover what matters of it).
import { NANOS_PER_MS, parseDuration } from './duration.js';

type Check = (self: unknown) => boolean;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (v: unknown, k: string): boolean => isObj(v) && v[k] !== undefined && v[k] !== null;
const count = (v: unknown, ...keys: string[]): number => keys.filter((k) => has(v, k)).length;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const inPortRange = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 65535;
const PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

const RULES: Record<string, Check> = {
  "duration(self) >= duration('1ms')": (self) => {
    const ns = typeof self === 'string' ? parseDuration(self) : undefined;
    return ns !== undefined && ns >= NANOS_PER_MS;
  },
  '0 < self && self <= 65535': (self) => typeof self === 'number' && inPortRange(self),
  'self.all(key, !key.contains("*"))': (self) =>
    !isObj(self) || Object.keys(self).every((k) => !k.includes('*')),
  'self.all(key, key.size() != 0)': (self) =>
    !isObj(self) || Object.keys(self).every((k) => k.length !== 0),
  '!self.contains("*")': (self) => !str(self).includes('*'),
  'self != "*"': (self) => self !== '*',
  'self.size() == 0': (self) => typeof self !== 'string' || self.length === 0,
  'self.all(key, size(key) < 63 && key.matches("^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$"))': (
    self,
  ) => !isObj(self) || Object.keys(self).every((k) => k.length < 63 && PORT_NAME.test(k)),
  'self.all(key, 0 < int(key) && int(key) <= 65535)': (self) =>
    !isObj(self) || Object.keys(self).every((k) => /^\d+$/.test(k) && inPortRange(Number(k))),
  'self.all(l1, self.exists_one(l2, l1.number == l2.number))': (self) => {
    if (!Array.isArray(self)) return true;
    const nums = self.map((p: unknown) => (isObj(p) ? p.number : undefined));
    return new Set(nums).size === nums.length;
  },
  'has(self.address) || has(self.network)': (self) => has(self, 'address') || has(self, 'network'),
  '(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true': (
    self,
  ) => !(isObj(self) && str(self.address).startsWith('unix://') && has(self, 'ports')),
  'self.startsWith("unix://") ? (self.substring(7, 8) == "/" || self.substring(7, 8) == "@") : true':
    (self) => !str(self).startsWith('unix://') || ['/', '@'].includes(str(self).slice(7, 8)),
  'self.startsWith("unix://") ? !self.endsWith("/") : true': (self) =>
    !str(self).startsWith('unix://') || !str(self).endsWith('/'),
  '(has(self.tlsCertificates) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': (self) =>
    count(self, 'tlsCertificates', 'credentialNames') <= 1,
  '(has(self.credentialName) ? 1 : 0) + (has(self.credentialNames) ? 1 : 0) <= 1': (self) =>
    count(self, 'credentialName', 'credentialNames') <= 1,
  '(has(self.credentialNames) ? 1 : 0) + (has(self.tlsCertificates) ? 1 : 0) <= 1': (self) =>
    count(self, 'credentialNames', 'tlsCertificates') <= 1,
  '(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1':
    (self) => count(self, 'selector', 'targetRef', 'targetRefs') <= 1,
  '(has(self.workloadSelector) ? 1 : 0) + (has(self.endpoints) ? 1 : 0) <= 1': (self) =>
    count(self, 'workloadSelector', 'endpoints') <= 1,
  '(has(self.workloadSelector) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1': (self) =>
    count(self, 'workloadSelector', 'targetRefs') <= 1,
  '!((has(self.addresses) ? self.addresses : []).exists(k, k.contains("/")) && !((has(self.resolution) ? self.resolution : "NONE") in ["STATIC", "NONE"]))':
    (self) => {
      if (!isObj(self)) return true;
      const addrs = Array.isArray(self.addresses) ? self.addresses : [];
      const cidr = addrs.some((a) => str(a).includes('/'));
      const res = str(self.resolution) || 'NONE';
      return !(cidr && !['STATIC', 'NONE'].includes(res));
    },
  '((has(self.resolution) ? self.resolution : "NONE") == "NONE") ? !has(self.endpoints) : true': (
    self,
  ) => !isObj(self) || (str(self.resolution) || 'NONE') !== 'NONE' || !has(self, 'endpoints'),
  '((has(self.resolution) ? self.resolution : "") == "DNS_ROUND_ROBIN") ? ((has(self.endpoints) ? self.endpoints : []).size() <= 1) : true':
    (self) =>
      !isObj(self) ||
      self.resolution !== 'DNS_ROUND_ROBIN' ||
      !Array.isArray(self.endpoints) ||
      self.endpoints.length <= 1,
  'self in ["", "HTTP", "HTTPS"]': (self) => ['', 'HTTP', 'HTTPS'].includes(str(self)),
  'has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true':
    (self) => {
      if (!has(self, 'portLevelMtls') || !isObj(self)) return true;
      const sel = self.selector;
      return isObj(sel) && isObj(sel.matchLabels) && Object.keys(sel.matchLabels).length > 0;
    },
};

/** True when the rule holds or is not one we check. */
export function checkCelRule(rule: string, self: unknown): boolean {
  const normalized = rule.replace(/\s*\n\s*/g, ' ').trim();
  const check = RULES[normalized];
  return check ? check(self) : true;
}
