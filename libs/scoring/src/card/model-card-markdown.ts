import type { ModelCard, SegmentMetrics } from './model-card.schema';

const AGE_BAND_ORDER = ['under_18', '18_24', '25_34', '35_44', '45_54', '55_64', '65_plus', 'unknown'];

function figure(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '–' : value.toFixed(digits);
}

function metricsRow(name: string, m: { n: number; positives: number; baseRate: number; auc: number | null; brier: number; ece: number; logLoss: number }): string {
  return `| ${name} | ${m.n} | ${m.positives} | ${figure(m.baseRate)} | ${figure(m.auc)} | ${figure(m.brier, 4)} | ${figure(m.ece, 4)} | ${figure(m.logLoss, 4)} |`;
}

function segmentRow(group: string, m: SegmentMetrics): string {
  return 'tooSmall' in m ? `| ${group} | ${m.n} | – | – | – | – | – | – |` : metricsRow(group, m);
}

const METRICS_HEADER = ['| | n | positives | base rate | AUC | Brier | ECE | log loss |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];

/** The human-readable model card (MODEL_CARD.md) rendered from the machine-readable one, so they cannot disagree. */
export function renderModelCard(card: ModelCard): string {
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  push(`# Model card: ${card.title}`, '', `\`${card.modelId}\` version ${card.version} · family ${card.family} · format ${card.format}`, '');
  push('> Generated from `model-card.json` by `renderModelCard` (@kairos/scoring). Edit the training script, not this file.', '');
  push('## Intended use', '', card.intendedUse, '');
  if (card.outOfScope.length > 0) push('**Out of scope:**', '', ...card.outOfScope.map((item) => `- ${item}`), '');
  push('## Purposes', '', `Declared for: ${card.purposes.map((p) => `\`${p}\``).join(', ')}. Every input feature is declared for all of them in the feature registry (purpose limitation is checked at upload). Customers who objected to profiling are not scored.`, '');
  push('## Outputs', '', '| output | meaning | label | calibration |', '| --- | --- | --- | --- |');
  for (const output of card.signature.outputs) {
    const calibration = card.calibration[output.name];
    const text =
      !calibration || calibration.kind === 'none' ? 'none' : `Platt: sigmoid(${calibration.a.toFixed(4)} · logit(p) ${calibration.b < 0 ? '−' : '+'} ${Math.abs(calibration.b).toFixed(4)})`;
    push(`| \`${output.name}\` | ${output.description} | \`${output.label ?? '–'}\` | ${text} |`);
  }
  push('');
  push(
    '## Features',
    '',
    'Read from the profile through the feature registry as of the scoring instant; timestamps become days before it. Clip, centre and scale apply after the transform; the baseline is in the feature’s own unit.',
    '',
  );
  push('| feature | type | transform | if missing | clip | centre | scale | baseline (explanations) |', '| --- | --- | --- | --- | --- | ---: | ---: | ---: |');
  for (const input of card.signature.inputs) {
    const missing = input.missing.strategy === 'refuse' ? 'refuse to score' : `impute ${String(input.missing.value)}`;
    const clip = input.clip ? `[${input.clip[0]}, ${input.clip[1]}]` : '–';
    push(`| \`${input.name}\` | ${input.type} | ${input.transform} | ${missing} | ${clip} | ${input.center} | ${input.scale} | ${String(card.explanation.baseline[input.name] ?? '–')} |`);
  }
  push('');
  if (card.data) {
    push('## Data', '', card.data.source, '', `Rows: ${Object.entries(card.data.rows).map(([k, v]) => `${k} ${v}`).join(', ')}.`, '');
    if (card.data.cutoffs.length > 0) push(`Cutoffs: ${card.data.cutoffs.join(', ')}.`, '');
    push('Labels:', '', ...Object.entries(card.data.labels).map(([label, text]) => `- \`${label}\`: ${text}`), '');
    if (card.data.registryFingerprint) push(`Feature registry fingerprint: \`${card.data.registryFingerprint}\`.`, '');
  }
  if (card.training) {
    const t = card.training;
    push('## Training', '', `- Command: \`${t.command}\``, `- Seed ${t.seed}; ${t.framework} on the \`${t.backend}\` backend`, `- Architecture: ${t.architecture}`, `- Parameters: ${t.parameters}`);
    push(`- Training time: ${t.durationSeconds} s${t.datasetSeconds === undefined ? '' : `; building the datasets from the simulator: ${t.datasetSeconds} s`} (shared 2-core machine)`);
    if (t.artifactBytes !== undefined) push(`- Artifact size: ${t.artifactBytes} bytes (model.json + weights.bin)`);
    push('');
  }
  if (card.metrics) {
    push('## Metrics', '', `On the ${card.metrics.dataset}. ECE: expected calibration error over 10 equal-width bins.`, '', ...METRICS_HEADER);
    for (const [name, m] of Object.entries(card.metrics.holdout)) push(metricsRow(`\`${name}\``, m));
    push('');
    if (card.metrics.uncalibrated) {
      push('Before calibration:', '', ...METRICS_HEADER);
      for (const [name, m] of Object.entries(card.metrics.uncalibrated)) push(metricsRow(`\`${name}\``, m));
      push('');
    }
    for (const [output, kinds] of Object.entries(card.metrics.bySegment)) {
      for (const [kind, groups] of Object.entries(kinds)) {
        push(`### \`${output}\` by ${kind === 'ageBand' ? 'age band' : kind}`, '', ...METRICS_HEADER.map((line, i) => (i === 0 ? line.replace('| |', '| group |') : line)));
        const ordered = Object.keys(groups).sort((a, b) => AGE_BAND_ORDER.indexOf(a) - AGE_BAND_ORDER.indexOf(b) || a.localeCompare(b));
        for (const group of ordered) push(segmentRow(group, groups[group]));
        push('');
      }
    }
  }
  const method =
    card.explanation.method === 'integrated_gradients'
      ? `Integrated gradients of the calibrated score against the baseline customer above: exact along the path for ReLU networks with sigmoid heads (the path is split where a ReLU switches), otherwise a Riemann sum from ${card.explanation.steps} steps, refined until the attributions add up`
      : `Sampled Shapley values of the calibrated score against the baseline customer above (${card.explanation.steps} orderings; exact for up to 6 features)`;
  push('## Explanations', '', `${method}. The top ${card.explanation.topReasons} features per output become reason codes in German and English.`, '');
  if (card.fairness) push('## Fairness', '', `Monitored groups: ${card.fairness.monitoredGroups.join(', ') || '–'}.${card.fairness.note ? ` ${card.fairness.note}` : ''}`, '');
  if (card.limitations.length > 0) push('## Limitations', '', ...card.limitations.map((item) => `- ${item}`), '');
  return `${lines.join('\n')}\n`;
}
