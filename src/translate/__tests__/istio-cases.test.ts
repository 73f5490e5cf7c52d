// Every case of testdata/istio-cases/cases.json, end to end: translateProxy on the case's world
// and proxy, the request walked through the result by simulateTraffic, the `expect` block
// asserted; and every generated resource passes PGV validation and the consistency check.
import { caseMismatches, loadIstioCases, runCase } from './istio-case-runner.js';
import { consistencyProblems, pgvProblems } from './resource-checks.js';

const cases = loadIstioCases();

describe('istio-cases', () => {
  it('has cases to run', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  describe.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const run = runCase(c);

    it(`${c.description}`, () => {
      expect(caseMismatches(c, run)).toEqual([]);
    });

    it('generates only PGV-valid resources', () => {
      expect(pgvProblems(run.resources)).toEqual([]);
    });

    it('generates consistent resources', () => {
      expect(consistencyProblems(run.resources)).toEqual([]);
    });
  });
});
