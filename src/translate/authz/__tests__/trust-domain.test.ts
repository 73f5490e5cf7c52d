// Trust domain aliases: source principals are rewritten for every alias, as istiod does.
import { migratePrincipal } from '../trust-domain.js';

describe('trust domain rewrite of source principals', () => {
  it('rewrites cluster.local to the mesh trust domain', () => {
    expect(migratePrincipal('cluster.local/ns/foo/sa/bar', 'td.example')).toBe(
      'td.example/ns/foo/sa/bar',
    );
  });

  it('keeps the mesh trust domain, a * trust domain, foreign ones and non-SPIFFE values', () => {
    expect(migratePrincipal('cluster.local/ns/foo/sa/bar', 'cluster.local')).toBe(
      'cluster.local/ns/foo/sa/bar',
    );
    expect(migratePrincipal('*/ns/foo/sa/bar', 'td.example')).toBe('*/ns/foo/sa/bar');
    expect(migratePrincipal('other.td/ns/foo/sa/bar', 'td.example')).toBe('other.td/ns/foo/sa/bar');
    expect(migratePrincipal('sa/bar', 'td.example')).toBe('sa/bar');
  });

  it('keeps a *suffix trust domain that covers the mesh one', () => {
    expect(migratePrincipal('*.example/ns/foo/sa/bar', 'td.example')).toBe(
      '*.example/ns/foo/sa/bar',
    );
  });
});
