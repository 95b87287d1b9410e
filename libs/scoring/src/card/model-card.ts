import { KairosError, ValidationIssue, fromZodIssues } from '@kairos/contracts';
import { ModelCard, modelCardSchema } from './model-card.schema';

/**
 * A model card from untrusted JSON (an upload): schema-checked, then cross-checked (calibrations and baselines
 * name real outputs and inputs; ONNX cards say which graph input and output to use). Throws `VALIDATION_FAILED`
 * with every issue at once.
 */
export function parseModelCard(json: unknown): ModelCard {
  const parsed = modelCardSchema.safeParse(json);
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'model card refused', fromZodIssues(parsed.error.issues, ['card']));
  const card = parsed.data;
  const issues: ValidationIssue[] = [];
  const outputs = new Set(card.signature.outputs.map((output) => output.name));
  const inputs = new Set(card.signature.inputs.map((input) => input.name));
  for (const name of Object.keys(card.calibration)) {
    if (!outputs.has(name)) issues.push({ path: `card.calibration.${name}`, rule: 'unknown_output', message: 'calibration for an output the signature does not declare' });
  }
  for (const name of Object.keys(card.explanation.baseline)) {
    if (!inputs.has(name)) issues.push({ path: `card.explanation.baseline.${name}`, rule: 'unknown_input', message: 'baseline for a feature the signature does not read' });
  }
  if (card.format === 'onnx' && !card.onnx) issues.push({ path: 'card.onnx', rule: 'required', message: 'an ONNX model names its input and output' });
  if (card.format === 'onnx' && card.explanation.method === 'integrated_gradients') {
    issues.push({ path: 'card.explanation.method', rule: 'explanation_method', message: 'ONNX models are explained with sampled_shapley' });
  }
  if (issues.length > 0) throw new KairosError('VALIDATION_FAILED', 'model card refused', issues);
  return card;
}
