import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { withoutQueryValues } from '../../local/http-server.ts';
import { hashPassword } from '../../shared/auth/password.ts';
import { DelegateRegistry } from '../../shared/engine/delegates.ts';
import { logger } from '../../shared/observability/logger.ts';
import { redact, redactText } from '../../shared/observability/redaction.ts';
import { captureLogs } from '../support/logs.ts';
import { asUser, basicAuth, restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/**
 * No password, Authorization header or variable value reaches a log line (issue 19): the paths that
 * log — failed and locked logins, refused and failed requests, failing jobs and workers, batches —
 * run with sentinel secrets at DEBUG level, and no captured line contains any of them. Every other
 * test file is held to the same rules line by line (test/support/log-rules.ts).
 */

const PASSWORD = 'Sentinel-Passw0rd-7731';
const WRONG_PASSWORD = 'Wrong-Sentinel-Passw0rd-1902';
const SECRET_VALUE = 'SENTINEL-VARIABLE-VALUE-5520';

const model = bpmnXml(
  'redactionProcess',
  `<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="task"/><userTask id="task"/>
   <sequenceFlow id="f2" sourceRef="task" targetRef="loop"/>
   <serviceTask id="loop" camunda:expression="\${true}"><multiInstanceLoopCharacteristics camunda:collection="\${secret}" camunda:elementVariable="e"/></serviceTask>
   <sequenceFlow id="f3" sourceRef="loop" targetRef="failing"/>
   <sequenceFlow id="f4" sourceRef="task" targetRef="compared"><conditionExpression>\${secret &gt; 0}</conditionExpression></sequenceFlow><userTask id="compared"/>
   <serviceTask id="failing" camunda:asyncBefore="true" camunda:class="failsWithTheSecret"/>`,
);

describe('log redaction', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  beforeAll(async () => {
    const registry = new DelegateRegistry().register('failsWithTheSecret', {
      execute: (execution) => {
        throw new Error(`delegate failed with authorization Basic ${Buffer.from(`demo:${PASSWORD}`).toString('base64')}`, { cause: { password: PASSWORD, value: execution.getVariable('secret') } });
      },
    });
    runtime = await startTestRuntime({ config: { authMode: 'basic' }, registry });
    api = restClient(runtime.url);
    const { identities } = runtime.services;
    await identities.saveUser({ id: 'logAdmin', firstName: null, lastName: null, email: null, passwordHash: hashPassword(PASSWORD) }, false);
    await identities.saveGroup({ id: 'camunda-admin', name: 'camunda BPM Administrators', type: 'SYSTEM' }, false);
    await identities.addGroupMember('camunda-admin', 'logAdmin');
    await identities.saveUser({ id: 'guesser', firstName: null, lastName: null, email: null, passwordHash: hashPassword(PASSWORD) }, false);
  });
  afterAll(async () => {
    logger.setLogLevel('INFO');
    await runtime?.stop();
  });

  it('writes none of the sentinel secrets, whatever the path', async () => {
    // given
    const admin = asUser(api, 'logAdmin', PASSWORD);
    const secretVariable = { value: SECRET_VALUE, type: 'String' };
    logger.setLogLevel('DEBUG');

    // when
    const { lines } = await captureLogs(async () => {
      expect((await api.raw('GET', '/process-instance', undefined, { authorization: basicAuth('guesser', WRONG_PASSWORD) })).status).toBe(401);
      expect((await api.raw('GET', '/process-instance', undefined, { authorization: basicAuth('guesser', PASSWORD) })).status).toBe(401);
      expect((await admin.post('/user/guesser/unlock')).status).toBe(204);
      expect((await admin.post('/user/create', { profile: { id: 'someone' }, credentials: { password: PASSWORD } })).status).toBe(204);
      const form = new FormData();
      form.set('deployment-name', 'redaction');
      form.append('p.bpmn', new Blob([model], { type: 'application/xml' }), 'p.bpmn');
      expect((await fetch(`${runtime.url}/deployment/create`, { method: 'POST', body: form, headers: { authorization: basicAuth('logAdmin', PASSWORD) } })).status).toBe(200);
      const started = await admin.post('/process-definition/key/redactionProcess/start', { variables: { secret: secretVariable } });
      expect(started.status).toBe(200);
      expect((await admin.get(`/process-instance?variables=secret_eq_${SECRET_VALUE}`)).status).toBe(200);
      expect((await admin.post('/process-instance', { variables: [{ name: 'secret', operator: 'eq', value: SECRET_VALUE }] })).status).not.toBe(500);
      expect((await admin.post('/process-definition/key/redactionProcess/start', `{"variables": {"secret": ${JSON.stringify(secretVariable)}`)).status).toBe(400);
      expect((await admin.post('/process-definition/key/redactionProcess/start', `{"variables": {"v": {"value": ${SECRET_VALUE}}}}`)).status).toBe(400);
      expect((await admin.post('/process-definition/key/redactionProcess/start', { variables: { v: { value: SECRET_VALUE, type: 'Integer' } } })).status).toBe(400);
      expect((await admin.get(`/process-instance?firstResult=${SECRET_VALUE}`)).status).toBe(400);
      const [task] = (await admin.get(`/task?processInstanceId=${started.body.id}`)).body;
      // the condition comparing the String with a number fails the request with a message that quotes the value (Cannot coerce '…' to number)
      const failed = await admin.post(`/task/${task.id}/complete`, { variables: { other: secretVariable } });
      expect(failed.status).toBe(500);
      expect(failed.body.message).toContain(SECRET_VALUE);
      const batch = await admin.post(`/process-instance/${started.body.id}/modification-async`, {
        instructions: [{ type: 'startBeforeActivity', activityId: 'failing', variables: { secret: { ...secretVariable, local: false } } }],
      });
      expect(batch.status).toBe(200);
      await expect.poll(async () => (await admin.get(`/incident?processInstanceId=${started.body.id}`)).body.length, { timeout: 15_000 }).toBeGreaterThan(0);
    });

    // then
    expect(lines.length).toBeGreaterThan(5);
    const written = lines.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of [
      PASSWORD,
      WRONG_PASSWORD,
      SECRET_VALUE,
      Buffer.from(`logAdmin:${PASSWORD}`).toString('base64'),
      Buffer.from(`guesser:${WRONG_PASSWORD}`).toString('base64'),
      Buffer.from(`demo:${PASSWORD}`).toString('base64'),
    ]) {
      expect(written).not.toContain(secret);
    }
    expect(lines.some((line) => line.message === 'login failed')).toBe(true);
    const failures = lines.filter((line) => line.message === 'request failed').map((line) => String(line.error?.message));
    expect(
      failures.some((message) => message.includes("Cannot coerce '[REDACTED]'")),
      failures.join(' | '),
    ).toBe(true);
  });

  it('masks credentials and value-quoting messages, and drops the values of sensitive keys', () => {
    // when
    const redacted = redact({ password: 'p', nested: { Authorization: 'Basic abc', variables: { a: 1 } }, note: 'header Basic dXNlcjpwYXNz here' }) as Record<string, any>;

    // then
    expect(redacted).toEqual({ password: '[REDACTED]', nested: { Authorization: '[REDACTED]', variables: '[REDACTED]' }, note: 'header Basic [REDACTED] here' });
    expect(redactText("ENGINE-02010 Variable 'items':top secret is not a Collection.")).toBe("ENGINE-02010 Variable 'items':[REDACTED] is not a Collection.");
    expect(redactText("Cannot convert value 'top secret' of type 'Integer' to java type java.lang.Integer")).toBe("Cannot convert value '[REDACTED]' of type 'Integer' to java type java.lang.Integer");
    expect(redactText("Cannot set query parameter 'firstResult' to value 'top secret'")).toBe("Cannot set query parameter 'firstResult' to value '[REDACTED]'");
    expect(redactText("Cannot compare 'a' and 'b' in expression: ${x}")).toBe("Cannot compare '[REDACTED]' and '[REDACTED]' in expression: ${x}");
    expect(withoutQueryValues('/engine-rest/process-instance?variables=secret_eq_x&maxResults=5')).toBe('/engine-rest/process-instance?variables=…&maxResults=…');
  });
});
