import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DecisionResult, evaluateDecision, evaluateDecisionTraced } from '../../../shared/dmn/evaluate.ts';
import { parseDmn } from '../../../shared/dmn/parse-dmn.ts';
import type { TypedValue } from '../../../shared/engine/state.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/camunda-dmn/${name}`, import.meta.url), 'utf8');
const typed = (value: unknown): TypedValue =>
  typeof value === 'boolean' ? { type: 'Boolean', value } : typeof value === 'number' ? { type: Number.isInteger(value) ? 'Integer' : 'Double', value } : { type: 'String', value };

async function evaluate(file: string, variables: Record<string, unknown>, decisionId = 'decision'): Promise<DecisionResult> {
  const model = await parseDmn(fixture(file), file);
  return evaluateDecision(model, decisionId, Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typed(v)])));
}

/** Camunda's HitPolicyTest inputs: which of the three rules match, and what each gives (JUEL `${inputN}`, `${outputN}`). */
const table = (file: string, matches: [boolean, boolean, boolean], outputs: [unknown, unknown, unknown]) =>
  evaluate(file, { input1: matches[0], input2: matches[1], input3: matches[2], output1: outputs[0], output2: outputs[1], output3: outputs[2] });

/** The values of a result, by entry name; a typed value as [type, value]. */
const values = (result: DecisionResult) => result.map((entries) => Object.fromEntries(entries.map((e) => [String(e.name), e.value.type === null ? e.value.value : [e.value.type, e.value.value]])));

describe('DMN decision tables with Camunda 7 hit policies (engine-dmn HitPolicyTest)', () => {
  it('UNIQUE (and the default): none or one rule; several fail with DMN-03001', async () => {
    for (const file of ['HitPolicyTest.unique.single.dmn', 'HitPolicyTest.default.single.dmn']) {
      expect(await table(file, [false, false, false], ['a', 'b', 'c'])).toEqual([]);
      expect(values(await table(file, [false, true, false], ['a', 'b', 'c']))).toEqual([{ null: 'b' }]);
      await expect(table(file, [true, false, true], ['a', 'b', 'c'])).rejects.toThrow(/^DMN-03001 Hit policy 'UNIQUE' only allows a single rule to match/);
    }
    expect(values(await table('HitPolicyTest.unique.compound.dmn', [false, false, true], ['a', 'b', 'c']))).toEqual([{ out1: 'c', out2: 'c', out3: 'c' }]);
  });

  it('ANY: rules with equal outputs give one; different outputs fail with DMN-03002', async () => {
    expect(values(await table('HitPolicyTest.any.single.dmn', [true, true, true], ['a', 'a', 'a']))).toEqual([{ null: 'a' }]);
    await expect(table('HitPolicyTest.any.single.dmn', [true, true, false], ['a', 'b', 'c'])).rejects.toThrow(/^DMN-03002 Hit policy 'ANY'/);
  });

  it('FIRST gives the first matching rule; RULE ORDER and COLLECT every one, in rule order', async () => {
    expect(values(await table('HitPolicyTest.first.single.dmn', [false, true, true], ['a', 'b', 'c']))).toEqual([{ null: 'b' }]);
    expect(values(await table('HitPolicyTest.ruleOrder.single.dmn', [true, false, true], ['a', 'b', 'c']))).toEqual([{ null: 'a' }, { null: 'c' }]);
    expect(values(await table('HitPolicyTest.collect.single.dmn', [true, true, true], ['a', 'b', 'c']))).toEqual([{ null: 'a' }, { null: 'b' }, { null: 'c' }]);
    expect(values(await table('HitPolicyTest.collect.compound.dmn', [false, true, false], ['a', 'b', 'c']))).toEqual([{ out1: 'b', out2: 'b', out3: 'b' }]);
  });

  it('COLLECT aggregations: SUM, MIN, MAX in the values’ Java type, COUNT as Integer; nothing matched is no result (COUNT: 0)', async () => {
    expect(values(await table('HitPolicyTest.collect.sum.single.dmn', [true, false, true], [10, 20, 30]))).toEqual([{ null: ['Integer', 40] }]);
    expect(values(await table('HitPolicyTest.collect.sum.single.dmn', [true, true, false], [10, 2.5, 30]))).toEqual([{ null: ['Double', 12.5] }]);
    expect(values(await table('HitPolicyTest.collect.min.single.dmn', [true, true, true], [10, 20, 30]))).toEqual([{ null: ['Integer', 10] }]);
    expect(values(await table('HitPolicyTest.collect.max.single.dmn', [true, true, true], [10, 20, 30]))).toEqual([{ null: ['Integer', 30] }]);
    expect(values(await table('HitPolicyTest.collect.count.single.dmn', [true, false, true], [10, 20, 30]))).toEqual([{ null: ['Integer', 2] }]);
    expect(await table('HitPolicyTest.collect.sum.single.dmn', [false, false, false], [10, 20, 30])).toEqual([]);
    expect(values(await table('HitPolicyTest.collect.count.single.dmn', [false, false, false], [10, 20, 30]))).toEqual([{ null: ['Integer', 0] }]);
  });

  it('aggregates untyped Java Doubles as Double, and gives one empty result per matched rule when nothing was collected', async () => {
    const feelTable = (outputs: string[], aggregation = 'SUM') =>
      parseDmn(
        `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
  <decision id="decision" name="d"><decisionTable id="t" hitPolicy="COLLECT" aggregation="${aggregation}"><output id="o" name="out"/>
    ${outputs.map((text, i) => `<rule id="r${i}"><outputEntry id="e${i}"><text>${text}</text></outputEntry></rule>`).join('')}
  </decisionTable></decision>
</definitions>`,
        'x.dmn',
      ).then((model) => evaluateDecision(model, 'decision', {}));
    // FEEL's 2.5 and 2 are a Double and a Long: Long.valueOf("2.5") fails, so the sum is a Double.
    expect(values(await feelTable(['2.5', '2']))).toEqual([{ out: ['Double', 4.5] }]);
    expect(values(await feelTable(['2', '3']))).toEqual([{ out: ['Long', 5] }]);
    expect(values(await feelTable(['"3.5"', '"1"']))).toEqual([{ out: ['Double', 4.5] }]);
    expect(values(await feelTable(['', '']))).toEqual([{}, {}]);
  });

  it('refuses to aggregate a compound output (DMN-03003) or what is no number (DMN-03004)', async () => {
    await expect(table('HitPolicyTest.collect.sum.compound.dmn', [true, false, false], [1, 2, 3])).rejects.toThrow(/^DMN-03003 Unable to execute aggregation 'SUM' on compound decision output/);
    await expect(table('HitPolicyTest.collect.sum.single.dmn', [true, true, false], ['a', 'b', 'c'])).rejects.toThrow(/^DMN-03004 Unable to convert value '\[a, b\]'/);
  });

  it('refuses PRIORITY and OUTPUT ORDER at parsing, as Camunda 7 has no handler for them (DMN-02007)', async () => {
    for (const file of ['HitPolicyTest.priority.single.dmn', 'HitPolicyTest.outputOrder.single.dmn']) {
      await expect(parseDmn(fixture(file), file)).rejects.toThrow(/DMN-02007 The hit policy '(PRIORITY|OUTPUT ORDER)' of decision table 'decisionTable' is not supported\./);
    }
  });
});

describe('FEEL and JUEL expressions, types and results', () => {
  it('evaluates the dish example: FEEL unary tests over typed inputs, with required decisions first (DmnDecisionEvaluationTest)', async () => {
    expect(values(await evaluate('EvaluateDrdDishDecisionExample.dmn', { temperature: 20, dayType: 'Weekend' }, 'Dish'))).toEqual([{ desiredDish: ['String', 'Steak'] }]);
    expect(values(await evaluate('drg.dmn', { temperature: 35, dayType: 'WeekDay' }, 'dish-decision'))).toEqual([{ desiredDish: ['String', 'Steak'] }]);
    // Without the required decision's input, nothing matches in the dependent table.
    expect(await evaluate('drg.dmn', { temperature: 35, dayType: 'Holiday' }, 'dish-decision')).toEqual([]);
  });

  it('converts by typeRef; a value that does not convert is DMN-01005', async () => {
    expect(values(await evaluate('scala_unary_builtin_function.dmn', { integerString: '5' }, 'decision'))).toEqual([{ integerResult: ['Integer', 5] }]);
    await expect(evaluate('scala_unary_builtin_function.dmn', { integerString: 'abc' }, 'decision')).rejects.toThrow("DMN-01005 Invalid value 'abc' for clause with type 'integer'.");
  });

  it('mixes languages per element: a JUEL input expression under FEEL entries; untyped outputs stay untyped', async () => {
    expect(values(await evaluate('number_untyped.dmn', { numberInput: 3 }))).toEqual([{ output: true }]);
    expect(values(await evaluate('number_untyped.dmn', { numberInput: 7.5 }))).toEqual([{ output: false }]);
  });

  it('a literal expression gives one entry named by its variable, typed by it', async () => {
    const model = await parseDmn(fixture('scala_literal_expression_date_typed.dmn'), 'x.dmn');
    const result = evaluateDecision(model, 'Lit_Date_Conversion', { date1: { type: 'Date', value: '2019-08-22T10:10:10.000Z' } });
    expect(values(result)).toEqual([{ foo: ['Date', '2019-08-22T10:10:10.000Z'] }]);
  });

  it('converts a FEEL date-time with an offset or a zone to the instant it names', async () => {
    const literal = (text: string) =>
      parseDmn(
        `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
  <decision id="decision" name="d"><variable name="at" typeRef="date"/><literalExpression id="l"><text>${text}</text></literalExpression></decision>
</definitions>`,
        'x.dmn',
      ).then((model) => values(evaluateDecision(model, 'decision', {})));
    expect(await literal('date and time("2019-08-22T10:00:00+02:00")')).toEqual([{ at: ['Date', '2019-08-22T08:00:00.000Z'] }]);
    expect(await literal('date and time("2019-01-22T10:00:00@Europe/Berlin")')).toEqual([{ at: ['Date', '2019-01-22T09:00:00.000Z'] }]);
    expect(await literal('date and time("2019-08-22T10:00:00")')).toEqual([{ at: ['Date', '2019-08-22T10:00:00.000Z'] }]);
  });

  it('leaves an empty output entry out of its rule result; an output evaluating to null is an untyped null', async () => {
    const model = await parseDmn(fixture('ReturnBlankTableOutputAsNull.dmn'), 'x.dmn');
    const run = (name: string) => values(evaluateDecision(model, 'Decision_0vmcc71', { name: { type: 'String', value: name } }));
    expect(run('A')).toEqual([{ output: null }]);
    expect(run('B')).toEqual([{}]);
    expect(run('C')).toEqual([{ output: ['String', ''] }]);
    expect(run('D')).toEqual([{}]);
  });

  it('reads DMN 1.3 (a table without inputs matches every time)', async () => {
    expect(values(await evaluate('dmn13.NoInput.dmn', {}))).toEqual([{ Result: ['String', 'ok'] }]);
  });

  it('reports a FEEL expression it cannot parse with the FEEL engine’s message', async () => {
    const xml = fixture('dmn13.NoInput.dmn').replace('"ok"', '"unclosed');
    await expect(parseDmn(xml, 'x.dmn').then((model) => evaluateDecision(model, 'decision', {}))).rejects.toThrow(/^FEEL\/SCALA-01008 Error while evaluating expression/);
  });
});

describe('DMN resources Camunda refuses, refused with the element named', () => {
  const refusal = async (file: string) => {
    try {
      await parseDmn(fixture(file), file);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${file} was accepted`);
  };

  it('names what is wrong, in Camunda’s DMN-02xxx terms', async () => {
    expect(await refusal('CompoundOutputs.noName.dmn')).toMatch(/DMN-02008 The decision table '.+' has a compound output but output '.+' does not have an output name\./);
    expect(await refusal('CompoundOutputs.duplicateName.dmn')).toMatch(/DMN-02009 .* is duplicate\./);
    expect(await refusal('LoopInRequiredDecision.dmn')).toMatch(/DMN-02015 The decision '.+' has a loop\./);
    expect(await refusal('MissingVariable.dmn')).toMatch(/DMN-02018 The decision '.+' must have an 'variable' element/);
    expect(await refusal('MissingIds.missingDecisionId.dmn')).toMatch(/DMN-02010 The decision must have an 'id' attribute set\./);
    expect(await refusal('DecisionDefinitionDeployerTest.testDecisionDefinitionWithMalformedHistoryTimeToLive.dmn11.xml')).toMatch(/Cannot parse historyTimeToLive/);
    // Every message starts as Camunda's deployment failure does.
    expect(await refusal('LoopInRequiredDecision.dmn')).toMatch(/^ENGINE-22004 Unable to transform DMN resource 'LoopInRequiredDecision.dmn'\./);
  });

  it('refuses script languages it cannot run yet, naming the element and the language', async () => {
    expect(await refusal('DrgWithLiteralExpressions.dmn')).toMatch(/Expression language 'groovy' is not supported.* \| element 'b'/);
  });

  it('reads camunda:historyTimeToLive and camunda:versionTag', async () => {
    const [ttl] = (await parseDmn(fixture('decision_with_180_httl.dmn'), 'x.dmn')).decisions;
    expect(ttl!.historyTimeToLive).toBe(180);
    const [tagged] = (await parseDmn(fixture('versionTag.dmn'), 'x.dmn')).decisions;
    expect(tagged!.versionTag).toBe('1.0.0');
  });
});

describe('what an evaluation leaves in the history (DefaultDmnHistoryEventProducer)', () => {
  const traced = async (file: string, variables: Record<string, unknown>, decisionId = 'decision') => {
    const model = await parseDmn(fixture(file), file);
    return evaluateDecisionTraced(model, decisionId, Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typed(v)])));
  };

  it('records the decision first, then each required decision, with their inputs and the matching rules’ outputs', async () => {
    // when
    const { evaluated } = await traced('drg.dmn', { temperature: 35, dayType: 'WeekDay' }, 'dish-decision');

    // then
    expect(evaluated.map((one) => one.decisionKey)).toEqual(['dish-decision', 'season', 'guestCount']);
    expect(evaluated[1]).toMatchObject({
      inputs: [{ clauseId: 'temperatureInput', clauseName: 'Weather in Celsius', value: { type: 'Integer', value: 35 } }],
      outputs: [{ clauseId: 'seasonOutput', clauseName: 'season', ruleOrder: 1, variableName: 'season', value: { type: 'String', value: 'Summer' } }],
      collectResultValue: null,
    });
    expect(evaluated[0]!.inputs.map((input) => [input.clauseId, input.value.value])).toEqual([
      ['seasonInput', 'Summer'],
      ['guestCountInput', 4],
    ]);
    expect(evaluated[0]!.outputs).toEqual([expect.objectContaining({ clauseId: 'output1', variableName: 'desiredDish', value: { type: 'String', value: 'Steak' }, ruleOrder: 1 })]);
  });

  it('records every matching rule, before the hit policy picks, numbered from 1', async () => {
    // when: FIRST keeps one of the two matching rules
    const { result, evaluated } = await traced('HitPolicyTest.first.single.dmn', { input1: false, input2: true, input3: true, output1: 'a', output2: 'b', output3: 'c' });

    // then
    expect(result).toHaveLength(1);
    expect(evaluated[0]!.outputs.map((output) => [output.ruleId, output.ruleOrder, output.value.value])).toEqual([
      ['rule2', 1, 'b'],
      ['rule3', 2, 'c'],
    ]);
  });

  it('records a COLLECT aggregate as its collect result value', async () => {
    const { evaluated } = await traced('HitPolicyTest.collect.sum.single.dmn', { input1: true, input2: true, input3: false, output1: 10, output2: 20, output3: 30 });
    expect(evaluated[0]!.collectResultValue).toBe(30);
    expect(evaluated[0]!.outputs).toHaveLength(2);
  });

  it('records a literal expression as one output without clause or rule', async () => {
    const model = await parseDmn(fixture('scala_literal_expression_date_typed.dmn'), 'x.dmn');
    const { evaluated } = evaluateDecisionTraced(model, 'Lit_Date_Conversion', { date1: { type: 'Date', value: '2019-08-22T10:10:10.000Z' } });
    expect(evaluated).toEqual([
      {
        decisionKey: 'Lit_Date_Conversion',
        inputs: [],
        outputs: [{ clauseId: null, clauseName: null, ruleId: null, ruleOrder: null, variableName: 'foo', value: { type: 'Date', value: '2019-08-22T10:10:10.000Z' } }],
        collectResultValue: null,
      },
    ]);
  });
});
