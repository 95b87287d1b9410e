import { writeDmnXml } from '../dmn/dmn-xml';
import type { CompiledDecisionModel } from './decision-model';
import { documentOf } from './decision-model-compiler';

/**
 * Writes a deployed model back as DMN 1.3 XML: rules, ids, diagram (DMNDI) and vendor extensions such as
 * Camunda's attributes survive, so the file opens in Camunda and bpmn.io modelers and deploys again unchanged.
 */
export async function exportDmn(model: CompiledDecisionModel): Promise<string> {
  return writeDmnXml(documentOf(model).definitions);
}
