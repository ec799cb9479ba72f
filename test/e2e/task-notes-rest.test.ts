import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.ts';
import { restClient, startTestRuntime } from '../support/runtime.ts';
import { userTaskChain } from './inline-bpmn.ts';

type Comment = { id: string; taskId: string; processInstanceId: string | null; message: string; userId: string | null; time: string; rootProcessInstanceId: string };

describe('task comments and attachments, instance comments (TaskCommentResource, TaskAttachmentResource, ProcessInstanceCommentResource)', () => {
  let runtime: LocalRuntime;
  let api: ReturnType<typeof restClient>;
  let instance: string;
  let task: string;

  beforeAll(async () => {
    runtime = await startTestRuntime({ startWorkers: false });
    api = restClient(runtime.url);
    await api.deploy({ 'notes.bpmn': userTaskChain('notesProcess', ['write', 'check']) });
    instance = (await api.post('/process-definition/key/notesProcess/start', {})).body.id;
    task = (await api.get(`/task?processInstanceId=${instance}`)).body[0].id;
  });
  afterAll(() => runtime?.stop());

  it('adds, lists, reads, changes and deletes task comments; one naming the instance is the instance’s too', async () => {
    const first = await api.post(`/task/${task}/comment/create`, { message: 'Looks good' });
    expect(first).toMatchObject({ status: 200, body: { taskId: task, processInstanceId: null, message: 'Looks good', rootProcessInstanceId: instance, removalTime: null } });
    expect(first.body.links).toEqual([{ method: 'GET', href: expect.stringContaining(`/task/${task}/comment/${first.body.id}`), rel: 'self' }]);
    const second = await api.post(`/task/${task}/comment/create`, { message: 'Also for the instance', processInstanceId: instance });
    expect((await api.get(`/task/${task}/comment`)).body.map((c: Comment) => c.message)).toEqual(['Looks good', 'Also for the instance']);
    expect((await api.get(`/process-instance/${instance}/comment`)).body.map((c: Comment) => c.message)).toEqual(['Also for the instance']);
    expect(await api.get(`/task/${task}/comment/${first.body.id}`)).toMatchObject({ status: 200, body: { id: first.body.id, message: 'Looks good' } });

    expect((await api.put(`/task/${task}/comment`, { id: second.body.id, message: 'Changed' })).status).toBe(204);
    // The instance's copy changes with it.
    expect((await api.get(`/process-instance/${instance}/comment`)).body.map((c: Comment) => c.message)).toEqual(['Changed']);
    expect(await api.put(`/task/${task}/comment`, { id: 'nope', message: 'x' })).toMatchObject({
      status: 400,
      body: { type: 'InvalidRequestException', message: `No comment exists with commentId: nope and taskId: ${task}: comment is null` },
    });
    expect(await api.put(`/task/${task}/comment`, { id: first.body.id })).toMatchObject({ status: 400, body: { message: 'message is null' } });

    expect((await api.delete(`/task/${task}/comment/${first.body.id}`)).status).toBe(204);
    expect(await api.get(`/task/${task}/comment/${first.body.id}`)).toMatchObject({ status: 404, body: { message: `Task comment with id ${first.body.id} does not exist for task id '${task}'.` } });
    expect((await api.delete(`/process-instance/${instance}/comment`)).status).toBe(204);
    expect((await api.get(`/task/${task}/comment`)).body).toEqual([]);

    expect(await api.post(`/task/${task}/comment/create`, {})).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', message: 'Not enough parameters submitted' } });
    expect(await api.post('/task/nope/comment/create', { message: 'x' })).toMatchObject({ status: 400, body: { message: 'No task found for task id nope' } });
    expect(await api.get('/task/nope/comment')).toMatchObject({ status: 404, body: { message: 'No task found for task id nope' } });
    expect(await api.get('/process-instance/nope/comment')).toMatchObject({ status: 404, body: { message: 'No process instance found for id nope' } });
  });

  it('keeps the comments of a completed task readable, as Camunda’s history does', async () => {
    const other = (await api.post('/process-definition/key/notesProcess/start', {})).body.id;
    const otherTask = (await api.get(`/task?processInstanceId=${other}`)).body[0].id;
    expect((await api.post(`/task/${otherTask}/comment/create`, { message: 'Before completion', processInstanceId: other })).status).toBe(200);
    expect((await api.post(`/task/${otherTask}/complete`, {})).status).toBe(204);
    expect((await api.get(`/task/${otherTask}/comment`)).body.map((c: Comment) => c.message)).toEqual(['Before completion']);
    expect((await api.get(`/process-instance/${other}/comment`)).body).toHaveLength(1);
    // Changing them needs the running task.
    expect((await api.delete(`/task/${otherTask}/comment`)).status).toBe(404);
  });

  it('attaches content or a link to a task, serves the content, deletes it', async () => {
    const form = new FormData();
    form.set('attachment-name', 'invoice.pdf');
    form.set('attachment-description', 'The invoice');
    form.set('attachment-type', 'application/pdf');
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]);
    form.set('content', new Blob([bytes], { type: 'application/octet-stream' }), 'invoice.pdf');
    const created = await fetch(`${runtime.url}/task/${task}/attachment/create`, { method: 'POST', body: form });
    expect(created.status).toBe(200);
    const attachment = await created.json();
    expect(attachment).toMatchObject({ name: 'invoice.pdf', description: 'The invoice', type: 'application/pdf', taskId: task, url: null, rootProcessInstanceId: instance });

    const link = new FormData();
    link.set('attachment-name', 'spec');
    link.set('url', 'https://example.com/spec');
    const linked = await (await fetch(`${runtime.url}/task/${task}/attachment/create`, { method: 'POST', body: link })).json();
    expect(linked).toMatchObject({ name: 'spec', url: 'https://example.com/spec' });

    expect((await api.get(`/task/${task}/attachment`)).body.map((a: { name: string }) => a.name)).toEqual(['invoice.pdf', 'spec']);
    expect((await api.get(`/task/${task}/attachment/${attachment.id}`)).body).toMatchObject({ id: attachment.id, name: 'invoice.pdf' });
    const data = await fetch(`${runtime.url}/task/${task}/attachment/${attachment.id}/data`);
    expect(data.status).toBe(200);
    expect(new Uint8Array(await data.arrayBuffer())).toEqual(bytes);
    expect(await api.get(`/task/${task}/attachment/${linked.id}/data`)).toMatchObject({
      status: 404,
      body: { message: `Attachment content for attachment with id '${linked.id}' does not exist for task id '${task}'.` },
    });

    const empty = new FormData();
    empty.set('attachment-name', 'nothing');
    const refused = await fetch(`${runtime.url}/task/${task}/attachment/create`, { method: 'POST', body: empty });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toBe('No content or url to remote content exists to create the task attachment.');

    expect((await api.delete(`/task/${task}/attachment/${attachment.id}`)).status).toBe(204);
    expect(await api.delete(`/task/${task}/attachment/${attachment.id}`)).toMatchObject({
      status: 404,
      body: { message: `Deletion is not possible. No attachment exists for task id '${task}' and attachment id '${attachment.id}'.` },
    });
    expect(await api.get(`/task/${task}/attachment/${attachment.id}`)).toMatchObject({
      status: 404,
      body: { message: `Task attachment with id ${attachment.id} does not exist for task id '${task}'.` },
    });
  });
});
