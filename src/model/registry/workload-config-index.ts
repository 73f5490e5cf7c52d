// Config selected by workload labels: Sidecar, Gateway, PeerAuthentication and
// AuthorizationPolicy, with istiod's precedence rules (push_context.go getSidecarScope /
// mergeGateways, authentication.go, authorization.go).
import type { ConfigResource, MeshConfig } from '../config.js';
import type {
  AuthorizationPolicySpec,
  GatewaySpec,
  PeerAuthenticationSpec,
  SidecarSpec,
} from '../istio-types.js';
import type { ConfigSnapshot } from '../push-context.js';
import { selectorMatches } from './labels.js';
import { sortedByCreation } from './ordering.js';

function groupByNamespace<T extends ConfigResource>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of items) {
    const list = out.get(r.metadata.namespace);
    if (list) list.push(r);
    else out.set(r.metadata.namespace, [r]);
  }
  return out;
}

function hasLabels(selector: Record<string, string> | undefined): boolean {
  return selector !== undefined && Object.keys(selector).length > 0;
}

export class WorkloadConfigIndex {
  /** Per namespace: Sidecars with a workloadSelector first, then without; each oldest first. */
  private readonly sidecarsByNamespace: Map<string, ConfigResource<SidecarSpec>[]>;
  private readonly rootSidecar: ConfigResource<SidecarSpec> | undefined;
  private readonly gateways: readonly ConfigResource<GatewaySpec>[];
  private readonly meshPeerAuthn: ConfigResource<PeerAuthenticationSpec> | undefined;
  private readonly namespacePeerAuthn = new Map<string, ConfigResource<PeerAuthenticationSpec>>();
  private readonly workloadPeerAuthn: Map<string, ConfigResource<PeerAuthenticationSpec>[]>;
  private readonly authzByNamespace: Map<string, ConfigResource<AuthorizationPolicySpec>[]>;

  constructor(
    snapshot: ConfigSnapshot,
    private readonly mesh: MeshConfig,
  ) {
    const sidecars = sortedByCreation(snapshot.sidecars);
    const ordered = [
      ...sidecars.filter((s) => s.spec.workloadSelector !== undefined),
      ...sidecars.filter((s) => s.spec.workloadSelector === undefined),
    ];
    this.sidecarsByNamespace = groupByNamespace(ordered);
    this.rootSidecar = ordered.find(
      (s) => s.metadata.namespace === mesh.rootNamespace && s.spec.workloadSelector === undefined,
    );

    this.gateways = Object.freeze(sortedByCreation(snapshot.gateways));

    // PeerAuthentication: the oldest policy of each level applies (mesh, namespace, workload);
    // a selector-based policy in the root namespace is ignored, as istiod ignores it.
    const pas = sortedByCreation(snapshot.peerAuthentications);
    const workload: ConfigResource<PeerAuthenticationSpec>[] = [];
    let meshPa: ConfigResource<PeerAuthenticationSpec> | undefined;
    for (const pa of pas) {
      const ns = pa.metadata.namespace;
      if (!hasLabels(pa.spec.selector?.matchLabels)) {
        if (ns === mesh.rootNamespace) meshPa ??= pa;
        else if (!this.namespacePeerAuthn.has(ns)) this.namespacePeerAuthn.set(ns, pa);
      } else if (ns !== mesh.rootNamespace) {
        workload.push(pa);
      }
    }
    this.meshPeerAuthn = meshPa;
    this.workloadPeerAuthn = groupByNamespace(workload);

    // AuthorizationPolicy: policies with targetRef(s) attach to Kubernetes Gateways, which this
    // control plane does not serve; they never apply by selector.
    this.authzByNamespace = groupByNamespace(
      sortedByCreation(snapshot.authorizationPolicies).filter(
        (p) => p.spec.targetRef === undefined && (p.spec.targetRefs ?? []).length === 0,
      ),
    );
  }

  sidecarFor(
    namespace: string,
    labels: Record<string, string>,
  ): ConfigResource<SidecarSpec> | undefined {
    for (const sc of this.sidecarsByNamespace.get(namespace) ?? []) {
      const selector = sc.spec.workloadSelector;
      if (selector === undefined || selectorMatches(selector.labels, labels)) return sc;
    }
    return this.rootSidecar;
  }

  /** Gateways in any namespace whose selector is a subset of the labels (empty selects all). */
  gatewaysFor(labels: Record<string, string>): readonly ConfigResource<GatewaySpec>[] {
    return this.gateways.filter((g) => selectorMatches(g.spec.selector, labels));
  }

  peerAuthenticationsFor(
    namespace: string,
    labels: Record<string, string>,
  ): readonly ConfigResource<PeerAuthenticationSpec>[] {
    const out: ConfigResource<PeerAuthenticationSpec>[] = [];
    if (this.meshPeerAuthn) out.push(this.meshPeerAuthn);
    const nsPa = this.namespacePeerAuthn.get(namespace);
    if (nsPa) out.push(nsPa);
    const wl = (this.workloadPeerAuthn.get(namespace) ?? []).find((pa) =>
      selectorMatches(pa.spec.selector?.matchLabels, labels),
    );
    if (wl) out.push(wl);
    return out;
  }

  /** Root namespace policies, then the workload namespace's; each oldest first. */
  authorizationPoliciesFor(
    namespace: string,
    labels: Record<string, string>,
  ): readonly ConfigResource<AuthorizationPolicySpec>[] {
    const namespaces =
      namespace === this.mesh.rootNamespace ? [namespace] : [this.mesh.rootNamespace, namespace];
    const out: ConfigResource<AuthorizationPolicySpec>[] = [];
    for (const ns of namespaces) {
      for (const p of this.authzByNamespace.get(ns) ?? []) {
        if (selectorMatches(p.spec.selector?.matchLabels, labels)) out.push(p);
      }
    }
    return out;
  }
}
