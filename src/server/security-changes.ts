// Pushes that change only PeerAuthentications and AuthorizationPolicies (a mesh-wide mTLS switch,
// a namespace's access policy). Translation reads those kinds in three places:
// - listeners: the inbound side (virtualInbound, Sidecar-bound ingress listeners, proxyless gRPC
//   server listeners) takes the workload's policies;
// - clusters: auto mTLS asks whether a destination service's namespace- or mesh-wide policy is
//   DISABLE (translate/common/mtls-mode.ts inferServiceMtlsMode);
// - load assignments: an endpoint's tlsMode depends on whether its workload's policy is DISABLE.
// So when no PeerAuthentication of either push mentions DISABLE, clusters, load assignments and
// route configs come out the same in both pushes, and a proxy needs its listeners rebuilt only.
// Any DISABLE (one unchanged policy may be shadowed or uncovered by a changed one) means no such
// shortcut: every proxy is translated.
// Reach is conservative: a policy applies to workloads of its namespace, or of every namespace
// when it sits in the root namespace; selectors are not looked at (a false positive only costs
// a listener rebuild that changes nothing).
import type { ConfigKey, ConfigResource } from '../model/config.js';
import type { PeerAuthenticationSpec } from '../model/istio-types.js';
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';

const SECURITY_KINDS: ReadonlySet<string> = new Set(['PeerAuthentication', 'AuthorizationPolicy']);

function mentionsDisable(pa: ConfigResource<PeerAuthenticationSpec>): boolean {
  if (pa.spec.mtls?.mode === 'DISABLE') return true;
  return Object.values(pa.spec.portLevelMtls ?? {}).some((p) => p.mode === 'DISABLE');
}

export class SecurityChanges {
  private constructor(
    /** Namespaces of the changed policies. */
    private readonly namespaces: ReadonlySet<string>,
    private readonly rootNamespace: string,
  ) {}

  /**
   * The change set behind `keys` (`Kind/ns/name`), when every key is a PeerAuthentication or
   * AuthorizationPolicy and no PeerAuthentication of either push mentions DISABLE; else
   * undefined (the push gets no listener-only shortcut).
   */
  static of(
    keys: Iterable<ConfigKey>,
    previous: PushContext,
    push: PushContext,
  ): SecurityChanges | undefined {
    const namespaces = new Set<string>();
    for (const key of keys) {
      const [kind, namespace] = key.split('/', 2);
      if (!SECURITY_KINDS.has(kind)) return undefined;
      namespaces.add(namespace);
    }
    if (namespaces.size === 0) return undefined;
    for (const p of [previous, push]) {
      if (p.snapshot.peerAuthentications.some(mentionsDisable)) return undefined;
    }
    return new SecurityChanges(namespaces, push.mesh.rootNamespace);
  }

  /** Whether a changed policy can apply to the proxy's workload (conservative, see header). */
  reaches(proxy: Proxy): boolean {
    return this.namespaces.has(this.rootNamespace) || this.namespaces.has(proxy.namespace);
  }
}
