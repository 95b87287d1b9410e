// Runs the DMN TCK against @kairos/rules: `npm run tck`. Reads DMN_TCK_DIR (default ../shared/dmn-tck; a
// relative path is taken from the repository root), prints one line per result node and a total, and exits
// non-zero when anything failed or nothing ran.
import { resolve } from 'node:path';
import { formatTckResult, formatTckTotal, resolveTckDirectory, runTck } from '@kairos/rules';

async function main(): Promise<void> {
  const dir = resolveTckDirectory(resolve(__dirname, '..', '..'));
  const report = await runTck(dir);
  for (const result of report.results) console.log(formatTckResult(result));
  console.log(formatTckTotal(report));
  if (report.failed > 0 || report.results.length === 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`tck: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
