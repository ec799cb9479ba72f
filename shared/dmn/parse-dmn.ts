/**
 * Parses a DMN resource (DMN 1.1 to 1.3; older versions are migrated to 1.3 by bpmn.io's
 * dmn-migrate) with bpmn.io's dmn-moddle and Camunda's extension, into the engine's DMN model.
 * Anything the evaluator cannot run is refused here, every problem at once, each naming its element.
 */
import { migrateDiagram } from '@bpmn-io/dmn-migrate';
import camundaSchema from 'camunda-dmn-moddle/resources/camunda.json' with { type: 'json' };
import { DmnModdle } from 'dmn-moddle';
import { parseHistoryTimeToLive } from '../bpmn/history-time-to-live.ts';
import { child, children, type ModdleElement, text } from '../bpmn/moddle-types.ts';
import { DmnParseError, type DmnProblem } from './errors.ts';
import { isFeel, isRefusedLanguage } from './languages.ts';
import type {
  Aggregation,
  DecisionModel,
  DecisionRequirementsModel,
  DecisionRule,
  DecisionTableInput,
  DecisionTableModel,
  DecisionTableOutput,
  DmnExpression,
  HitPolicy,
  LiteralExpressionModel,
} from './model.ts';

const moddle = new DmnModdle({ camunda: camundaSchema });

/**
 * Namespaces Camunda reads that bpmn.io's tools do not: DMN 1.1's alternative schema location (read
 * as DMN 1.1, then migrated), and DMN 1.4 and 1.5 (read as 1.3: the elements a decision uses are the same).
 */
const NAMESPACE_ALIASES: Record<string, string> = {
  'http://www.omg.org/spec/DMN/20151101/dmn11.xsd': 'http://www.omg.org/spec/DMN/20151101/dmn.xsd',
  'https://www.omg.org/spec/DMN/20211108/MODEL/': 'https://www.omg.org/spec/DMN/20191111/MODEL/',
  'https://www.omg.org/spec/DMN/20230324/MODEL/': 'https://www.omg.org/spec/DMN/20191111/MODEL/',
};

function withKnownNamespaces(xml: string): string {
  return xml.replace(/(["'])(http[^"']+)\1/g, (quoted, quote: string, uri: string) => (NAMESPACE_ALIASES[uri] ? `${quote}${NAMESPACE_ALIASES[uri]}${quote}` : quoted));
}

/** Hit policies Camunda 7's DMN engine has handlers for (HitPolicyHandlerRegistry). */
const HIT_POLICIES = new Set<HitPolicy>(['UNIQUE', 'FIRST', 'ANY', 'COLLECT', 'RULE ORDER']);
const AGGREGATIONS = new Set<Aggregation>(['SUM', 'MIN', 'MAX', 'COUNT']);

class Problems {
  readonly list: DmnProblem[] = [];
  add(elementId: string | undefined, message: string): void {
    this.list.push({ elementId, message });
  }
}

export async function parseDmn(xml: string, resourceName: string): Promise<DecisionRequirementsModel> {
  if (/<!DOCTYPE/i.test(xml)) throw new DmnParseError(resourceName, [{ message: 'DOCTYPE is disallowed: a DMN model may not declare entities or a document type' }]);
  let definitions: ModdleElement;
  try {
    const migrated = await migrateDiagram(withKnownNamespaces(xml));
    const result = await moddle.fromXML(migrated, 'dmn:Definitions');
    definitions = result.rootElement as ModdleElement;
    if (!definitions) throw new Error('no definitions element');
  } catch (error) {
    throw new DmnParseError(resourceName, [{ message: `Malformed DMN XML: ${(error as Error).message}` }]);
  }
  const problems = new Problems();
  // Migrating an older DMN version gives every element an id: what lacked one is found in the XML as written.
  for (const element of elementsWithoutId(xml)) problems.add(undefined, MISSING_ID[element]!);
  if (!definitions.id) problems.add(undefined, "DMN-02017 The decision requirements graph must have an 'id' attribute set.");
  const inherited = inheritedLanguage(text(definitions, 'expressionLanguage') ?? null);
  // Camunda skips a decision without a decision table or literal expression (DMN-02001, DMN-02014): no definition.
  const decisions = children(definitions, 'drgElement')
    .filter((element) => element.$type === 'dmn:Decision' && ['dmn:DecisionTable', 'dmn:LiteralExpression'].includes(child(element, 'decisionLogic')?.$type ?? ''))
    .map((element) => readDecision(element, inherited, problems));
  const seen = new Set<string>();
  for (const decision of decisions) {
    if (seen.has(decision.id)) problems.add(decision.id, `The deployment contains definitions with the same key '${decision.id}' (id attribute), this is not allowed`);
    seen.add(decision.id);
  }
  const ids = new Set(decisions.map((decision) => decision.id));
  for (const decision of decisions) {
    for (const required of decision.requiredDecisions) if (!ids.has(required)) problems.add(decision.id, `The required decision '${required}' of decision '${decision.id}' is not in the resource`);
  }
  checkNoCycles(decisions, problems);
  if (problems.list.length > 0) throw new DmnParseError(resourceName, problems.list);
  return { id: definitions.id ?? '', name: text(definitions, 'name') ?? null, namespace: text(definitions, 'namespace') ?? null, decisions };
}

/** The `definitions` element's language applies to its expressions unless it is FEEL (then the default, FEEL, does). */
function inheritedLanguage(language: string | null): string | null {
  return language === null || isFeel(language) ? null : language;
}

const MISSING_ID: Record<string, string> = {
  decision: "DMN-02010 The decision must have an 'id' attribute set.",
  input: "DMN-02011 The decision table input must have a 'id' attribute set.",
  output: "DMN-02012 The decision table output must have a 'id' attribute set.",
  rule: "DMN-02013 The decision table rule must have a 'id' attribute set.",
};

/** Which of the elements Camunda requires an id of are written without one (each kind once). */
function elementsWithoutId(xml: string): string[] {
  const missing = new Set<string>();
  for (const match of xml.matchAll(/<(?:[\w-]+:)?(decision|input|output|rule)(?=[\s/>])([^>]*)>/g)) {
    if (!/(^|\s)id\s*=/.test(match[2]!)) missing.add(match[1]!);
  }
  return [...missing];
}

function readDecision(element: ModdleElement, inherited: string | null, problems: Problems): DecisionModel {
  const id = element.id ?? '';
  if (!id) problems.add(undefined, `DMN-02010 The decision '${text(element, 'name') ?? ''}' must have an 'id' attribute set.`);
  const logic = child(element, 'decisionLogic') as ModdleElement;
  const read = (expression: ModdleElement | undefined, owner: string) => expressionOf(expression, owner, inherited, problems);
  const requiredDecisions = children(element, 'informationRequirement').flatMap((requirement) => {
    const href = text(child(requirement, 'requiredDecision') ?? { $type: '' }, 'href');
    return href ? [href.replace(/^#/, '')] : [];
  });
  const historyTimeToLive = readHistoryTimeToLive(element, problems);
  const model = logic.$type === 'dmn:DecisionTable' ? readDecisionTable(id, logic, read, problems) : readLiteralExpression(element, logic, read, problems);
  return { id, name: text(element, 'name') ?? null, versionTag: text(element, 'versionTag') ?? null, historyTimeToLive, requiredDecisions, logic: model };
}

function readHistoryTimeToLive(element: ModdleElement, problems: Problems): number | null {
  const parsed = parseHistoryTimeToLive(element.historyTimeToLive);
  if ('error' in parsed) {
    problems.add(element.id, parsed.error);
    return null;
  }
  return parsed.days;
}

type ReadExpression = (element: ModdleElement | undefined, owner: string) => DmnExpression;

/** An expression's text (trimmed) and language: its own, else the inherited one, else FEEL (null). */
function expressionOf(element: ModdleElement | undefined, owner: string, inherited: string | null, problems: Problems): DmnExpression {
  const language = (element && text(element, 'expressionLanguage')) ?? inherited;
  if (isRefusedLanguage(language)) problems.add(owner, `Expression language '${language}' is not supported: expressions of a decision are FEEL or JUEL (scripts are not run yet)`);
  return { text: (element && text(element, 'text'))?.trim() ?? '', language };
}

function readDecisionTable(decisionId: string, table: ModdleElement, read: ReadExpression, problems: Problems): DecisionTableModel {
  const id = table.id ?? decisionId;
  const hitPolicy = (text(table, 'hitPolicy') ?? 'UNIQUE').toUpperCase().replace('_', ' ') as HitPolicy;
  const aggregationText = text(table, 'aggregation');
  const aggregation = aggregationText ? (aggregationText.toUpperCase() as Aggregation) : null;
  if (!HIT_POLICIES.has(hitPolicy) || (aggregation && (hitPolicy !== 'COLLECT' || !AGGREGATIONS.has(aggregation)))) {
    problems.add(id, `DMN-02007 The hit policy '${hitPolicy}'${aggregation ? ` with aggregation '${aggregation}'` : ''} of decision table '${id}' is not supported.`);
  }
  const inputs: DecisionTableInput[] = children(table, 'input').map((input) => {
    if (!input.id) problems.add(decisionId, `DMN-02011 The decision table input '${text(input, 'label') ?? ''}' of decision '${decisionId}' must have a 'id' attribute set.`);
    const expression = child(input, 'inputExpression');
    return {
      id: input.id ?? '',
      label: text(input, 'label') ?? null,
      expression: read(expression, input.id ?? id),
      typeRef: (expression && text(expression, 'typeRef')) ?? null,
      inputVariable: text(input, 'inputVariable') ?? 'cellInput',
    };
  });
  const outputs: DecisionTableOutput[] = children(table, 'output').map((output) => {
    if (!output.id) problems.add(decisionId, `DMN-02012 The decision table output '${text(output, 'label') ?? ''}' of decision '${decisionId}' must have a 'id' attribute set.`);
    return { id: output.id ?? '', label: text(output, 'label') ?? null, name: text(output, 'name') ?? null, typeRef: text(output, 'typeRef') ?? null };
  });
  const names = new Set<string>();
  for (const output of outputs) {
    if (outputs.length > 1 && !output.name) problems.add(output.id, `DMN-02008 The decision table '${id}' has a compound output but output '${output.id}' does not have an output name.`);
    else if (output.name && names.has(output.name)) problems.add(output.id, `DMN-02009 The decision table '${id}' has a compound output but name of output '${output.id}' is duplicate.`);
    if (output.name) names.add(output.name);
  }
  const rules: DecisionRule[] = children(table, 'rule').map((rule) => {
    if (!rule.id) problems.add(decisionId, `DMN-02013 The decision table rule of decision '${decisionId}' must have a 'id' attribute set.`);
    const inputEntries = children(rule, 'inputEntry').map((entry) => read(entry, rule.id ?? id));
    const outputEntries = children(rule, 'outputEntry').map((entry) => read(entry, rule.id ?? id));
    if (inputEntries.length !== inputs.length) problems.add(rule.id, `DMN-02005 The number of inputs '${inputs.length}' and input entries differ '${inputEntries.length}' for rule '${rule.id}'.`);
    if (outputEntries.length !== outputs.length)
      problems.add(rule.id, `DMN-02006 The number of outputs '${outputs.length}' and output entries differ '${outputEntries.length}' for rule '${rule.id}'.`);
    return { id: rule.id ?? '', inputEntries, outputEntries };
  });
  return { kind: 'decisionTable', hitPolicy, aggregation, inputs, outputs, rules };
}

function readLiteralExpression(decision: ModdleElement, expression: ModdleElement, read: ReadExpression, problems: Problems): LiteralExpressionModel {
  const variable = child(decision, 'variable');
  if (!variable) problems.add(decision.id, `DMN-02018 The decision '${decision.id ?? ''}' must have an 'variable' element if it contains a literal expression.`);
  return {
    kind: 'literalExpression',
    variableName: (variable && text(variable, 'name')) ?? null,
    typeRef: (variable && text(variable, 'typeRef')) ?? null,
    expression: read(expression, decision.id ?? ''),
  };
}

/** Required decisions must form a graph without cycles (Camunda's DRG), or evaluation would not end. */
function checkNoCycles(decisions: readonly DecisionModel[], problems: Problems): void {
  const byId = new Map(decisions.map((decision) => [decision.id, decision]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 'done') return true;
    if (state.get(id) === 'visiting') return false;
    state.set(id, 'visiting');
    const ok = (byId.get(id)?.requiredDecisions ?? []).every(visit);
    state.set(id, 'done');
    return ok;
  };
  for (const decision of decisions) if (!visit(decision.id)) problems.add(decision.id, `DMN-02015 The decision '${decision.id}' has a loop.`);
}
