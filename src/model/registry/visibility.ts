// Istio's exportTo semantics: `*` everyone, `.` (or the own namespace) private, `~` nobody,
// other names those namespaces. An empty list means the mesh default, `*`.

export interface Visibility {
  public: boolean;
  /** Namespaces that may see the object (its own namespace when private). */
  namespaces: ReadonlySet<string>;
}

export function visibilityOf(
  exportTo: readonly string[] | undefined,
  ownNamespace: string,
): Visibility {
  const list = exportTo && exportTo.length > 0 ? exportTo : ['*'];
  if (list.includes('*')) return { public: true, namespaces: new Set() };
  if (list.includes('~')) return { public: false, namespaces: new Set() };
  return {
    public: false,
    namespaces: new Set(list.map((e) => (e === '.' ? ownNamespace : e))),
  };
}

export function isVisibleTo(v: Visibility, namespace: string): boolean {
  return v.public || v.namespaces.has(namespace);
}
