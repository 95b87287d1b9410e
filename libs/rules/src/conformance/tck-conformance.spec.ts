import { resolve } from 'node:path';
import { formatTckResult, formatTckTotal, resolveTckDirectory, runTck } from './tck-runner';

/**
 * The whole DMN TCK (compliance level 2) through the same runner as `npm run tck`. It needs the TCK folder
 * (DMN_TCK_DIR, default ../shared/dmn-tck beside the repository); without it this test fails rather than
 * passing vacuously.
 */
describe('DMN TCK conformance', () => {
  it('passes every result node of every test case', async () => {
    const report = await runTck(resolveTckDirectory(resolve(__dirname, '..', '..', '..', '..')));
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.filter((r) => !r.passed).map(formatTckResult)).toEqual([]);
    expect(formatTckTotal(report)).toBe(`tck: ${report.results.length} passed, 0 failed`);
  });
});
