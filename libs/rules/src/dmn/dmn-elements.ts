/**
 * The shape of the dmn-moddle element tree, as far as the compiler reads it. dmn-moddle keeps everything else
 * (diagram interchange, vendor extensions such as `camunda:` attributes) on the same objects, which is what
 * lets an exported model round-trip unchanged.
 */
export interface DmnElement {
  readonly $type: string;
  readonly id?: string;
  readonly label?: string;
  readonly description?: string;
}

export interface DmnNamedElement extends DmnElement {
  readonly name?: string;
}

export interface DmnDefinitions extends DmnNamedElement {
  readonly namespace?: string;
  readonly expressionLanguage?: string;
  readonly itemDefinition?: readonly DmnItemDefinition[];
  readonly drgElement?: readonly DmnDrgElement[];
}

export interface DmnItemDefinition extends DmnNamedElement {
  readonly typeRef?: string;
  readonly allowedValues?: DmnUnaryTests;
  readonly itemComponent?: readonly DmnItemDefinition[];
  readonly isCollection?: boolean;
}

export interface DmnInformationItem extends DmnNamedElement {
  readonly typeRef?: string;
}

export interface DmnReference {
  readonly href?: string;
}

export interface DmnInformationRequirement extends DmnElement {
  readonly requiredDecision?: DmnReference;
  readonly requiredInput?: DmnReference;
}

export interface DmnKnowledgeRequirement extends DmnElement {
  readonly requiredKnowledge?: DmnReference;
}

export interface DmnDecision extends DmnNamedElement {
  readonly $type: 'dmn:Decision';
  readonly variable?: DmnInformationItem;
  readonly decisionLogic?: DmnExpression;
  readonly informationRequirement?: readonly DmnInformationRequirement[];
  readonly knowledgeRequirement?: readonly DmnKnowledgeRequirement[];
}

export interface DmnInputData extends DmnNamedElement {
  readonly $type: 'dmn:InputData';
  readonly variable?: DmnInformationItem;
}

export interface DmnBusinessKnowledgeModel extends DmnNamedElement {
  readonly $type: 'dmn:BusinessKnowledgeModel';
  readonly variable?: DmnInformationItem;
  readonly encapsulatedLogic?: DmnFunctionDefinition;
  readonly knowledgeRequirement?: readonly DmnKnowledgeRequirement[];
}

export type DmnDrgElement = DmnDecision | DmnInputData | DmnBusinessKnowledgeModel | (DmnNamedElement & { readonly $type: string });

export interface DmnExpressionBase extends DmnElement {
  readonly typeRef?: string;
}

export interface DmnLiteralExpression extends DmnExpressionBase {
  readonly $type: 'dmn:LiteralExpression';
  readonly text?: string;
  readonly expressionLanguage?: string;
}

export interface DmnUnaryTests extends DmnExpressionBase {
  readonly text?: string;
  readonly expressionLanguage?: string;
}

export interface DmnInputClause extends DmnElement {
  readonly inputExpression?: DmnLiteralExpression;
  readonly inputValues?: DmnUnaryTests;
}

export interface DmnOutputClause extends DmnElement {
  readonly name?: string;
  readonly typeRef?: string;
  readonly outputValues?: DmnUnaryTests;
  readonly defaultOutputEntry?: DmnLiteralExpression;
}

export interface DmnDecisionRule extends DmnElement {
  readonly inputEntry?: readonly DmnUnaryTests[];
  readonly outputEntry?: readonly DmnLiteralExpression[];
}

export type DmnHitPolicy = 'UNIQUE' | 'FIRST' | 'PRIORITY' | 'ANY' | 'COLLECT' | 'RULE ORDER' | 'OUTPUT ORDER';
export type DmnAggregation = 'SUM' | 'COUNT' | 'MIN' | 'MAX';

export interface DmnDecisionTable extends DmnExpressionBase {
  readonly $type: 'dmn:DecisionTable';
  readonly hitPolicy?: DmnHitPolicy;
  readonly aggregation?: DmnAggregation;
  readonly input?: readonly DmnInputClause[];
  readonly output?: readonly DmnOutputClause[];
  readonly rule?: readonly DmnDecisionRule[];
  readonly outputLabel?: string;
}

export interface DmnFunctionDefinition extends DmnExpressionBase {
  readonly $type: 'dmn:FunctionDefinition';
  readonly formalParameter?: readonly DmnInformationItem[];
  readonly body?: DmnExpression;
  readonly kind?: string;
}

export interface DmnBinding {
  readonly parameter?: DmnInformationItem;
  readonly bindingFormula?: DmnExpression;
}

export interface DmnInvocation extends DmnExpressionBase {
  readonly $type: 'dmn:Invocation';
  readonly calledFunction?: DmnExpression;
  readonly binding?: readonly DmnBinding[];
}

export interface DmnContextEntry extends DmnElement {
  readonly variable?: DmnInformationItem;
  readonly value?: DmnExpression;
}

export interface DmnContext extends DmnExpressionBase {
  readonly $type: 'dmn:Context';
  readonly contextEntry?: readonly DmnContextEntry[];
}

export interface DmnList extends DmnExpressionBase {
  readonly $type: 'dmn:List';
  readonly elements?: readonly DmnExpression[];
}

export type DmnExpression =
  | DmnLiteralExpression
  | DmnDecisionTable
  | DmnFunctionDefinition
  | DmnInvocation
  | DmnContext
  | DmnList
  | (DmnExpressionBase & { readonly $type: 'dmn:Relation' | 'dmn:UnaryTests' });

export function isDecision(element: DmnDrgElement): element is DmnDecision {
  return element.$type === 'dmn:Decision';
}

export function isInputData(element: DmnDrgElement): element is DmnInputData {
  return element.$type === 'dmn:InputData';
}

export function isBusinessKnowledgeModel(element: DmnDrgElement): element is DmnBusinessKnowledgeModel {
  return element.$type === 'dmn:BusinessKnowledgeModel';
}

/** `#_abc` → `_abc`; imported references (`other.dmn#x`) keep their prefix and will not resolve. */
export function referencedId(ref: DmnReference | undefined): string | undefined {
  const href = ref?.href;
  if (!href) return undefined;
  return href.startsWith('#') ? href.slice(1) : href;
}
