import { describe, expect, it } from 'vitest';
import { DelegateRegistry } from '../../../shared/engine/delegates.ts';
import {
  cancelCall,
  completeCall,
  deleteProcessInstance,
  type EngineEvent,
  modifyProcessInstance,
  propagateFromCall,
  raiseCallIncident,
  resolveCallIncident,
  startProcessInstance,
} from '../../../shared/engine/index.ts';
import { InstanceDriver, testEnvironment } from '../../support/engine-harness.ts';
import { inlineModel } from './inline-models.ts';

/**
 * The engine's part of call activities: what a call announces (id, target, variables, what the
 * callers catch), how the caller takes the called instance's end, errors and incidents, and what a
 * called instance says back when it ends, is deleted or throws. The service carries these across
 * instances (test/e2e/call-activities.test.ts, test/integration/call-hand-over.test.ts).
 */

const str = (value: string) => ({ type: 'String' as const, value });
const events = <T extends EngineEvent['type']>(all: readonly EngineEvent[], type: T) => all.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

const CALLER = `
  <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="scope"/>
  <subProcess id="scope">
    <startEvent id="ss"/><sequenceFlow id="sf1" sourceRef="ss" targetRef="call"/>
    <callActivity id="call" calledElement="\${calledKey}" camunda:calledElementBinding="version" camunda:calledElementVersion="2">
      <extensionElements>
        <camunda:inputOutput><camunda:inputParameter name="onlyHere">local</camunda:inputParameter></camunda:inputOutput>
        <camunda:in source="a" target="b"/><camunda:in sourceExpression="\${a}!" target="c"/><camunda:in businessKey="bk-\${a}"/>
        <camunda:out source="r" target="result"/><camunda:out variables="all" local="true"/>
      </extensionElements>
    </callActivity>
    <boundaryEvent id="onCallError" attachedToRef="call"><errorEventDefinition errorRef="e1"/></boundaryEvent>
    <sequenceFlow id="sf2" sourceRef="call" targetRef="after"/><userTask id="after"/>
    <sequenceFlow id="sf3" sourceRef="onCallError" targetRef="handled"/><userTask id="handled"/>
  </subProcess>
  <boundaryEvent id="escalated" attachedToRef="scope" cancelActivity="false"><escalationEventDefinition/></boundaryEvent>
  <sequenceFlow id="f2" sourceRef="escalated" targetRef="noticed"/><userTask id="noticed"/>`;
const ERRORS = '<error id="e1" errorCode="E1"/>';

async function waitingCaller() {
  const model = await inlineModel(CALLER, { processId: 'caller', definitions: ERRORS });
  const driver = InstanceDriver.start(model, testEnvironment(), { a: str('x'), calledKey: str('callee') });
  const call = driver.instancesOf('call')[0]!;
  return { model, driver, call };
}

describe('a call activity', () => {
  it('announces the call: a new instance id, the evaluated target, the in mappings and business key, and what its callers catch', async () => {
    // when
    const { driver, call } = await waitingCaller();

    // then
    const [started] = events(driver.events, 'callStarted');
    expect(call.calledInstanceId).toBe(started!.calledInstanceId);
    expect(started).toMatchObject({
      callActivityInstanceId: call.id,
      activityId: 'call',
      target: { key: 'callee', binding: 'version', version: 2 },
      variables: { b: str('x'), c: str('x!') },
      businessKey: 'bk-x',
      caller: { processInstanceId: driver.state.id, activityInstanceId: call.id, rootProcessInstanceId: driver.state.id, depth: 1 },
    });
    expect(started!.caller.catches).toEqual([
      { kind: 'error', code: 'E1', interrupting: true },
      { kind: 'escalation', interrupting: false },
    ]);
  });

  it('lets the variable mapping delegate add, change and remove start variables; the rest keep their types', async () => {
    // given
    const registry = new DelegateRegistry().register('mapper', {
      mapInputVariables: (_execution, variables) => {
        delete variables.drop;
        variables.changed = 'new';
        variables.added = 7;
      },
      mapOutputVariables: () => {},
    });
    const model = await inlineModel(
      `<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="call"/>
       <callActivity id="call" calledElement="callee" camunda:variableMappingClass="mapper"><extensionElements><camunda:in variables="all"/></extensionElements></callActivity>`,
      { processId: 'mapping' },
    );

    // when
    const result = startProcessInstance(model, { definitionId: 'mapping:1', variables: { drop: str('x'), changed: str('old'), kept: { type: 'Long', value: 5 } } }, testEnvironment(registry));

    // then
    expect(events(result.events, 'callStarted')[0]!.variables).toEqual({ changed: str('new'), kept: { type: 'Long', value: 5 }, added: { type: 'Integer', value: 7 } });
  });

  it('continues with the called instance’s variables through camunda:out, local ones ending with the call activity', async () => {
    // given
    const { model, driver, call } = await waitingCaller();

    // when
    driver.apply(completeCall(driver.state, model, call.id, call.calledInstanceId!, { r: str('done'), extra: str('local only') }, driver.env));

    // then
    expect(driver.shape).toBe('root{scope{after}}');
    expect(driver.state.root.variables?.result).toEqual(str('done'));
    expect(driver.state.root.variables?.extra).toBeUndefined();
  });

  it('takes a called instance’s end once: a second delivery finds no call waiting and changes nothing', async () => {
    // given
    const { model, driver, call } = await waitingCaller();
    const calledId = call.calledInstanceId!;
    driver.apply(completeCall(driver.state, model, call.id, calledId, {}, driver.env));
    const once = JSON.stringify(driver.state);

    // when
    const again = completeCall(driver.state, model, call.id, calledId, {}, driver.env);

    // then
    expect(JSON.stringify(again.state)).toBe(once);
  });

  it('is cancelled with its scope, announcing that the called instance goes too', async () => {
    // given
    const { model, driver, call } = await waitingCaller();

    // when
    const result = deleteProcessInstance(driver.state, model, driver.env);

    // then
    expect(events(result.events, 'calledInstanceCancelled')).toEqual([
      { type: 'calledInstanceCancelled', calledInstanceId: call.calledInstanceId, skipCustomListeners: false, skipIoMappings: false, externallyTerminated: true },
    ]);
  });

  it('propagates an error the called instance threw from the call activity, after passing the outputs', async () => {
    // given
    const { model, driver, call } = await waitingCaller();

    // when
    const thrown = { kind: 'error' as const, code: 'E1', caught: true, interrupting: true, variables: { r: str('partial') } };
    driver.apply(propagateFromCall(driver.state, model, call.id, call.calledInstanceId!, thrown, driver.env));

    // then the boundary event on the call activity caught it, and the called instance is not deleted again
    expect(driver.shape).toBe('root{scope{handled}}');
    expect(driver.state.root.variables?.result).toEqual(str('partial'));
    expect(events(driver.events, 'calledInstanceCancelled')).toEqual([]);
  });

  it('cancels the call activity when the called instance was deleted, and ends the emptied caller as deleted', async () => {
    // given
    const { model, driver, call } = await waitingCaller();

    // when
    const result = cancelCall(driver.state, model, call.id, call.calledInstanceId!, { skipCustomListeners: false, skipIoMappings: false, externallyTerminated: true }, driver.env);

    // then
    expect(result.state.status).toBe('EXTERNALLY_TERMINATED');
    expect(events(result.events, 'calledInstanceCancelled')).toEqual([]);
  });

  it('mirrors a called instance’s incident once, and drops it when it is resolved', async () => {
    // given
    const { driver, call } = await waitingCaller();
    const cause = { incidentId: 'child-incident', rootCauseIncidentId: 'root-incident', type: 'failedJob' as const };

    // when
    const raised = raiseCallIncident(driver.state, call.id, call.calledInstanceId!, cause, driver.env);
    const twice = raiseCallIncident(raised, call.id, call.calledInstanceId!, cause, driver.env);

    // then
    const incidents = (state: typeof raised) => new InstanceDriver(driver.model, driver.env, { state, events: [] }).instancesOf('call')[0]!.incidents ?? [];
    expect(incidents(twice)).toEqual([expect.objectContaining({ activityId: 'call', type: 'failedJob', causeIncidentId: 'child-incident', rootCauseIncidentId: 'root-incident' })]);
    expect(incidents(resolveCallIncident(twice, call.id, 'child-incident'))).toEqual([]);
  });
});

describe('a called instance', () => {
  const caller = { processInstanceId: 'parent', activityInstanceId: 'call:1', rootProcessInstanceId: 'parent', depth: 1 };

  it('says it completed, with its variables, when it ends normally', async () => {
    // given
    const model = await inlineModel('<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/><endEvent id="e"/>', { processId: 'callee' });

    // when
    const result = startProcessInstance(model, { definitionId: 'callee:1', variables: { v: str('1') }, caller: { ...caller, catches: [] } }, testEnvironment());

    // then
    expect(events(result.events, 'calledInstanceEnded')).toEqual([{ type: 'calledInstanceEnded', caller: { ...caller, catches: [] }, variables: { v: str('1') } }]);
  });

  it('says it was deleted when a modification cancels all of it, so the caller cancels its call', async () => {
    // given
    const model = await inlineModel('<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/><userTask id="t"/>', { processId: 'callee' });
    const driver = new InstanceDriver(model, testEnvironment(), startProcessInstance(model, { definitionId: 'callee:1', caller: { ...caller, catches: [] } }, testEnvironment()));

    // when
    const result = modifyProcessInstance(driver.state, model, { instructions: [{ type: 'cancel', activityId: 't' }] }, driver.env);

    // then
    expect(events(result.events, 'calledInstanceDeleted')).toEqual([expect.objectContaining({ caller: { ...caller, catches: [] }, externallyTerminated: false })]);
    expect(events(result.events, 'calledInstanceEnded')).toEqual([]);
  });

  it('hands an error its caller catches up and ends; one nobody catches only passes its variables and goes on', async () => {
    // given
    const body = `<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="fail"/><endEvent id="fail"><errorEventDefinition errorRef="e1"/></endEvent>`;
    const model = await inlineModel(body, { processId: 'callee', definitions: ERRORS });

    // when
    const caught = startProcessInstance(model, { definitionId: 'callee:1', caller: { ...caller, catches: [{ kind: 'error', code: 'E1', interrupting: true }] } }, testEnvironment());
    const uncaught = startProcessInstance(model, { definitionId: 'callee:1', caller: { ...caller, catches: [{ kind: 'error', code: 'OTHER', interrupting: true }] } }, testEnvironment());

    // then
    expect(events(caught.events, 'thrownToCaller')).toEqual([expect.objectContaining({ kind: 'error', code: 'E1', caught: true, interrupting: true })]);
    expect(caught.state.status).toBe('INTERNALLY_TERMINATED');
    expect(events(caught.events, 'calledInstanceDeleted')).toEqual([]);
    expect(events(uncaught.events, 'thrownToCaller')).toEqual([expect.objectContaining({ caught: false })]);
    expect(uncaught.state.status).toBe('COMPLETED');
    expect(events(uncaught.events, 'calledInstanceEnded')).toHaveLength(1);
  });

  it('refuses to nest a call deeper than the limit', async () => {
    // given
    const model = await inlineModel('<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="call"/><callActivity id="call" calledElement="callee"/>', { processId: 'callee' });

    // when / then
    expect(() => startProcessInstance(model, { definitionId: 'callee:1', caller: { ...caller, depth: 200, catches: [] } }, testEnvironment())).toThrow(/201 levels deep; at most 200/);
  });
});
