/**
 * Re-renders every MODEL_CARD.md from its model-card.json (after a change to the renderer; training does this too).
 *
 *   node -r @swc-node/register models/render-cards.ts
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModelCard, renderModelCard } from '@kairos/scoring';
import { runFromCommandLine } from './shared/train-and-save';

const FAMILIES = ['churn', 'activity', 'propensity'];

runFromCommandLine(async () => {
  for (const family of FAMILIES) {
    const dir = join(__dirname, family);
    const card = parseModelCard(JSON.parse(await readFile(join(dir, 'model-card.json'), 'utf8')));
    await writeFile(join(dir, 'MODEL_CARD.md'), renderModelCard(card));
    process.stdout.write(`rendered ${join(dir, 'MODEL_CARD.md')}\n`);
  }
});
