import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { bpmnXml } from './inline-bpmn.ts';

/** A user task inside an embedded sub-process whose input mapping gives it a local `scoped` variable. */
const MODEL = bpmnXml(
  'taskRest',
  `<startEvent id="start"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="sub"/>
   <subProcess id="sub">
     <extensionElements><camunda:inputOutput><camunda:inputParameter name="scoped">inner</camunda:inputParameter></camunda:inputOutput></extensionElements>
     <startEvent id="subStart"/>
     <sequenceFlow id="s1" sourceRef="subStart" targetRef="review"/>
     <userTask id="review" name="Review"/>
     <sequenceFlow id="s2" sourceRef="review" targetRef="subEnd"/>
     <endEvent id="subEnd"/>
   </subProcess>
   <sequenceFlow id="f2" sourceRef="sub" targetRef="end"/>
   <endEvent id="end"/>`,
);

describe('the task resource (TaskService: assign, delegate, resolve, variables, POST queries)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;

  async function startWithTask(variables: Record<string, unknown> = {}): Promise<{ instanceId: string; taskId: string }> {
    const started = await api.post('/process-definition/key/taskRest/start', { variables });
    expect(started.status).toBe(200);
    const [task] = (await api.get(`/task?processInstanceId=${started.body.id}`)).body as { id: string }[];
    return { instanceId: started.body.id, taskId: task!.id };
  }

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = restClient(runtime.url);
    expect((await api.deploy({ 'task-rest.bpmn': MODEL })).status).toBe(200);
  });
  afterAll(() => runtime?.stop());

  describe('assignee, delegate, resolve (TaskServiceTest#testDelegateTask, #testResolveTask, #testSetAssignee)', () => {
    it('sets the assignee over anyone holding the task, unlike claim', async () => {
      const { taskId } = await startWithTask();
      expect((await api.post(`/task/${taskId}/claim`, { userId: 'kermit' })).status).toBe(204);
      expect((await api.post(`/task/${taskId}/claim`, { userId: 'gonzo' })).body).toEqual({
        type: 'TaskAlreadyClaimedException',
        message: `Task '${taskId}' is already claimed by someone else.`,
        code: 0,
      });

      expect((await api.post(`/task/${taskId}/assignee`, { userId: 'gonzo' })).status).toBe(204);
      expect((await api.get(`/task/${taskId}`)).body.assignee).toBe('gonzo');
      expect((await api.post(`/task/${taskId}/assignee`, { userId: null })).status).toBe(204);
      expect((await api.get(`/task/${taskId}`)).body.assignee).toBeNull();
    });

    it('delegates: PENDING, the assignee becomes the owner; resolving gives it back, RESOLVED', async () => {
      const { instanceId, taskId } = await startWithTask();
      await api.post(`/task/${taskId}/assignee`, { userId: 'kermit' });

      expect((await api.post(`/task/${taskId}/delegate`, { userId: 'fozzie' })).status).toBe(204);
      const delegated = (await api.get(`/task/${taskId}`)).body;
      expect([delegated.owner, delegated.assignee, delegated.delegationState]).toEqual(['kermit', 'fozzie', 'PENDING']);
      // A second delegation keeps the first owner.
      await api.post(`/task/${taskId}/delegate`, { userId: 'gonzo' });
      expect((await api.get(`/task/${taskId}`)).body.owner).toBe('kermit');

      const resolved = await api.post(`/task/${taskId}/resolve`, { variables: { verdict: { value: 'ok', type: 'String' } } });
      expect(resolved.status).toBe(204);
      const back = (await api.get(`/task/${taskId}`)).body;
      expect([back.owner, back.assignee, back.delegationState]).toEqual(['kermit', 'kermit', 'RESOLVED']);
      // Resolving does not complete the task; its variables reach the process instance.
      expect((await api.get(`/process-instance/${instanceId}/variables/verdict`)).body).toEqual({ type: 'String', value: 'ok', valueInfo: {} });
      expect((await api.get(`/task?processInstanceId=${instanceId}`)).body).toHaveLength(1);
    });

    it('resolves a task never delegated without complaint, as Camunda does (assignee: the owner, none)', async () => {
      const { taskId } = await startWithTask();
      await api.post(`/task/${taskId}/assignee`, { userId: 'kermit' });
      expect((await api.post(`/task/${taskId}/resolve`, {})).status).toBe(204);
      const task = (await api.get(`/task/${taskId}`)).body;
      expect([task.assignee, task.delegationState]).toEqual([null, 'RESOLVED']);
    });

    it('answers an unknown task as each of Camunda’s commands does', async () => {
      const message = 'Cannot find task with id nope: task is null';
      expect(await api.post('/task/nope/assignee', { userId: 'a' })).toEqual({ status: 400, body: { type: 'NotFoundException', message, code: 0 } });
      expect(await api.post('/task/nope/delegate', { userId: 'a' })).toEqual({ status: 500, body: { type: 'NullValueException', message, code: 0 } });
      expect(await api.post('/task/nope/resolve', {})).toEqual({ status: 500, body: { type: 'NullValueException', message, code: 0 } });
      const badValue = await api.post('/task/nope/resolve', { variables: { n: { value: 'x', type: 'Integer' } } });
      expect(badValue).toEqual({
        status: 400,
        body: { type: 'InvalidRequestException', message: "Cannot resolve task nope: Cannot convert value 'x' of type 'Integer' to java type java.lang.Integer", code: null },
      });
    });
  });

  describe('variables and local variables (TaskServiceTest#testTaskVariables, AbstractVariablesResource)', () => {
    it('reads the task’s own variables over its scopes’, and only its own as local variables', async () => {
      const { taskId } = await startWithTask({ global: { value: 1, type: 'Integer' } });
      expect((await api.put(`/task/${taskId}/localVariables/own`, { value: 'mine', type: 'String' })).status).toBe(204);

      expect((await api.get(`/task/${taskId}/variables`)).body).toEqual({
        own: { type: 'String', value: 'mine', valueInfo: {} },
        scoped: { type: 'String', value: 'inner', valueInfo: {} },
        global: { type: 'Integer', value: 1, valueInfo: {} },
      });
      expect((await api.get(`/task/${taskId}/localVariables`)).body).toEqual({ own: { type: 'String', value: 'mine', valueInfo: {} } });
      expect((await api.get(`/task/${taskId}/variables/scoped`)).body).toEqual({ type: 'String', value: 'inner', valueInfo: {} });
      expect(await api.get(`/task/${taskId}/localVariables/scoped`)).toEqual({
        status: 404,
        body: { type: 'InvalidRequestException', message: 'task variable with name scoped does not exist', code: null },
      });
    });

    it('writes a non-local variable where the name is, else on the process instance; local ones stay on the task', async () => {
      const { instanceId, taskId } = await startWithTask();
      // `scoped` lives on the sub-process, `fresh` is new, `own` is the task's.
      await api.put(`/task/${taskId}/localVariables/own`, { value: 1, type: 'Integer' });
      const patched = await api.post(`/task/${taskId}/variables`, {
        modifications: { scoped: { value: 'changed', type: 'String' }, fresh: { value: true, type: 'Boolean' }, own: { value: 2, type: 'Integer' } },
      });
      expect(patched.status).toBe(204);

      expect((await api.get(`/process-instance/${instanceId}/variables`)).body).toEqual({ fresh: { type: 'Boolean', value: true, valueInfo: {} } });
      expect((await api.get(`/task/${taskId}/localVariables`)).body).toEqual({ own: { type: 'Integer', value: 2, valueInfo: {} } });
      expect((await api.get(`/task/${taskId}/variables/scoped`)).body.value).toBe('changed');

      // Deleting: the non-local form removes the nearest scope's, the local form only the task's; an absent name is no error.
      expect((await api.delete(`/task/${taskId}/localVariables/fresh`)).status).toBe(204);
      expect((await api.get(`/process-instance/${instanceId}/variables/fresh`)).status).toBe(200);
      expect((await api.delete(`/task/${taskId}/variables/fresh`)).status).toBe(204);
      expect((await api.get(`/process-instance/${instanceId}/variables/fresh`)).status).toBe(404);
      expect((await api.post(`/task/${taskId}/localVariables`, { deletions: ['own', 'never'] })).status).toBe(204);
      expect((await api.get(`/task/${taskId}/localVariables`)).body).toEqual({});
    });

    it('answers with Camunda’s messages: unknown task, unknown variable, bad values, binary data', async () => {
      const { taskId } = await startWithTask();
      expect(await api.get('/task/nope/variables')).toEqual({ status: 500, body: { type: 'NullValueException', message: "task nope doesn't exist: task is null", code: 0 } });
      expect(await api.get('/task/nope/variables/x')).toEqual({ status: 500, body: { type: 'RestException', message: "Cannot get task variable x: task nope doesn't exist: task is null", code: 0 } });
      expect(await api.put('/task/nope/variables/x', { value: 1, type: 'Integer' })).toEqual({
        status: 500,
        body: { type: 'RestException', message: "Cannot put task variable x: task nope doesn't exist: task is null", code: 0 },
      });
      expect(await api.delete('/task/nope/localVariables/x')).toEqual({
        status: 500,
        body: { type: 'RestException', message: 'Cannot delete task variable x: Cannot find task with id nope: task is null', code: 0 },
      });
      expect(await api.post('/task/nope/variables', { modifications: { x: { value: 1 } } })).toEqual({
        status: 500,
        body: { type: 'RestException', message: "Cannot modify variables for task nope: task nope doesn't exist: task is null", code: 0 },
      });
      expect(await api.put(`/task/${taskId}/variables/n`, { value: 'abc', type: 'Integer' })).toEqual({
        status: 400,
        body: { type: 'InvalidRequestException', message: "Cannot put task variable n: Cannot convert value 'abc' of type 'Integer' to java type java.lang.Integer", code: null },
      });
      expect(await api.put(`/task/${taskId}/localVariables/n`, { value: 1, type: 'Banana' })).toEqual({
        status: 400,
        body: { type: 'InvalidRequestException', message: "Cannot put task variable n: Unsupported value type 'Banana'", code: null },
      });
      expect(await api.post(`/task/${taskId}/variables`, { modifications: { n: { value: 'x', type: 'Long' } } })).toEqual({
        status: 400,
        body: { type: 'InvalidRequestException', message: "Cannot modify variables for task: Cannot convert value 'x' of type 'Long' to java type java.lang.Long", code: null },
      });
      expect(await api.get(`/task/${taskId}/variables/scoped/data`)).toEqual({
        status: 400,
        body: { type: 'InvalidRequestException', message: `Value of variable with id ${taskId} is not a binary value.`, code: null },
      });
      expect((await api.get(`/task/${taskId}/localVariables/none/data`)).status).toBe(404);
    });
  });

  describe('identity links (TaskIdentityLinksTest)', () => {
    it('adds and deletes candidate users and groups, custom links, assignee and owner; the candidates are found by the task query', async () => {
      const { taskId } = await startWithTask();
      const add = (link: Record<string, string>) => api.post(`/task/${taskId}/identity-links`, link);
      expect((await add({ userId: 'linkUser', type: 'candidate' })).status).toBe(204);
      expect((await add({ groupId: 'linkGroup', type: 'candidate' })).status).toBe(204);
      expect((await add({ userId: 'watcher', type: 'customType' })).status).toBe(204);
      expect((await add({ userId: 'kermit', type: 'assignee' })).status).toBe(204);
      expect((await add({ userId: 'piggy', type: 'owner' })).status).toBe(204);

      expect((await api.get(`/task/${taskId}/identity-links`)).body).toEqual([
        { userId: 'linkUser', groupId: null, type: 'candidate' },
        { userId: null, groupId: 'linkGroup', type: 'candidate' },
        { userId: 'watcher', groupId: null, type: 'customType' },
        { userId: 'kermit', groupId: null, type: 'assignee' },
        { userId: 'piggy', groupId: null, type: 'owner' },
      ]);
      expect((await api.get(`/task/${taskId}/identity-links?type=candidate`)).body).toHaveLength(2);
      expect((await api.get(`/task/${taskId}`)).body).toMatchObject({ assignee: 'kermit', owner: 'piggy' });
      const ids = async (query: string) => (await api.get(`/task?${query}&includeAssignedTasks=true`)).body.map((t: { id: string }) => t.id);
      expect(await ids('candidateUser=linkUser')).toEqual([taskId]);
      expect(await ids('candidateGroup=linkGroup')).toEqual([taskId]);

      const remove = (link: Record<string, string>) => api.post(`/task/${taskId}/identity-links/delete`, link);
      expect((await remove({ userId: 'linkUser', type: 'candidate' })).status).toBe(204);
      expect((await remove({ userId: 'watcher', type: 'customType' })).status).toBe(204);
      expect((await remove({ userId: 'kermit', type: 'assignee' })).status).toBe(204);
      expect((await remove({ userId: 'nobody', type: 'candidate' })).status).toBe(204);
      expect((await api.get(`/task/${taskId}/identity-links`)).body).toEqual([
        { userId: null, groupId: 'linkGroup', type: 'candidate' },
        { userId: 'piggy', groupId: null, type: 'owner' },
      ]);
      expect(await ids('candidateUser=linkUser')).toEqual([]);
    });

    it('answers bad links with Camunda’s errors', async () => {
      const { taskId } = await startWithTask();
      const refused = (message: string, type = 'InvalidRequestException', code: number | null = null) => ({ type, message, code });
      expect((await api.post(`/task/${taskId}/identity-links`, { userId: 'a', groupId: 'b', type: 'candidate' })).body).toEqual(refused('Identity Link requires userId or groupId, but not both.'));
      expect((await api.post(`/task/${taskId}/identity-links`, { type: 'candidate' })).body).toEqual(refused('Identity Link requires userId or groupId.'));
      expect(await api.post(`/task/${taskId}/identity-links`, { groupId: 'g', type: 'assignee' })).toEqual({
        status: 400,
        body: refused('Incompatible usage: cannot use ASSIGNEE together with a groupId', 'BadUserRequestException', 0),
      });
      expect(await api.post(`/task/${taskId}/identity-links/delete`, { userId: 'a' })).toEqual({
        status: 500,
        body: refused('type is required when adding a new task identity link: type is null', 'NullValueException', 0),
      });
      expect(await api.post(`/task/${taskId}/identity-links/delete`, { groupId: 'g', type: 'owner' })).toEqual({
        status: 500,
        body: refused("Incompatible usage: cannot use type 'owner' together with a groupId", 'ProcessEngineException', 0),
      });
      expect(await api.post('/task/nope/identity-links', { userId: 'a', type: 'candidate' })).toEqual({
        status: 400,
        body: refused('Cannot find task with id nope: task is null', 'NotFoundException', 0),
      });
      expect(await api.get('/task/nope/identity-links')).toEqual({ status: 500, body: refused('Cannot find task with id nope: task is null', 'NullValueException', 0) });
    });
  });

  describe('POST /task and /task/count (the query as a JSON body)', () => {
    it('filters, sorts by the first sorting entry (later ones are only checked), pages by the query string, and counts', async () => {
      const a = await startWithTask();
      const b = await startWithTask();
      await api.post(`/task/${a.taskId}/assignee`, { userId: 'queryUser' });
      await api.post(`/task/${b.taskId}/assignee`, { userId: 'queryUser' });
      const ids = [a.taskId, b.taskId].sort();

      // An unknown sortBy is skipped; a direction given with it fails as Camunda's query does.
      expect(await api.post('/task', { assignee: 'queryUser', sorting: [{ sortBy: 'unknownKey', sortOrder: 'asc' }] })).toEqual({
        status: 400,
        body: { type: 'NotValidException', message: 'You should call any of the orderBy methods first before specifying a direction: currentOrderingProperty is null', code: 0 },
      });
      const listed = await api.post('/task', { assignee: 'queryUser', sorting: [{ sortBy: 'unknownKey' }, { sortBy: 'id', sortOrder: 'desc' }] });
      expect(listed.status).toBe(200);
      expect(listed.body.map((t: { id: string }) => t.id)).toEqual([...ids].reverse());
      expect((await api.post('/task?firstResult=1&maxResults=5', { assignee: 'queryUser', sorting: [{ sortBy: 'id', sortOrder: 'asc' }] })).body.map((t: { id: string }) => t.id)).toEqual([ids[1]]);
      expect((await api.post('/task/count', { assignee: 'queryUser' })).body).toEqual({ count: 2 });
      expect((await api.post('/task/count', { processInstanceId: a.instanceId, assignee: 'queryUser' })).body).toEqual({ count: 1 });
      expect(await api.post('/task', { candidateGroups: [] })).toEqual({ status: 500, body: { type: 'ProcessEngineException', message: 'Candidate group list is empty', code: 0 } });
    });
  });
});
