/**
 * Comments on tasks and process instances and attachments of tasks (Camunda's TaskService comment
 * and attachment methods). Camunda checks nothing to read or add them; here the task or instance
 * must be readable, so they reveal nothing to a caller who may not see their owner. Changing and
 * deleting comments need what Camunda's commands check: TASK_WORK on the task, UPDATE on the instance.
 */
import type { AuthContext } from '../auth/auth-context.ts';
import { nullValue } from '../engine/errors.ts';
import type { AttachmentRecord, CommentRecord, NoteOwner } from '../store/note-repository.ts';
import { mayInstance, mayReadHistory, mayTask, requireInstance, requireTask } from './access.ts';
import type { AppContext, UseCase } from './app-context.ts';
import { RequestError } from './errors.ts';
import type { QueryItem } from './read-models.ts';

/** Camunda's comment column holds 4,000 characters (its full message is a CLOB; both are stored here as one). */
export const MAX_COMMENT_CHARS = 4000;

const taskOwner = (taskId: string): NoteOwner => ({ kind: 'TASK', id: taskId });
const instanceOwner = (processInstanceId: string): NoteOwner => ({ kind: 'PI', id: processInstanceId });

/** The top of an instance's call hierarchy, from its history row. */
async function rootInstanceOf(app: AppContext, processInstanceId: string | null): Promise<string | null> {
  if (!processInstanceId) return null;
  const historic = await app.engine.deps.items.getHistoricInstance(processInstanceId);
  return (historic?.rootProcessInstanceId as string | undefined) ?? processInstanceId;
}

/** A task that exists now and that the caller may read. */
async function readableTask(app: AppContext, caller: AuthContext, taskId: string): Promise<QueryItem | undefined> {
  const item = await app.engine.deps.items.getTask(taskId);
  return item && (await mayTask(caller, item, 'READ')) ? item : undefined;
}

/**
 * The task whose notes are asked for (Camunda's ensureTaskExists reads its history, so a completed
 * task's notes stay readable): the running task the caller may read, or else a task that is gone
 * and left notes, when the caller may read its instance's history.
 */
async function notedTask(app: AppContext, caller: AuthContext, taskId: string, status: number): Promise<void> {
  const missing = () => new RequestError(status, `No task found for task id ${taskId}`);
  const item = await app.engine.deps.items.getTask(taskId);
  if (item) {
    if (await mayTask(caller, item, 'READ')) return;
    throw missing();
  }
  const notes = app.engine.deps.notes;
  const [comments, attachments] = await Promise.all([notes.comments(taskOwner(taskId)), notes.attachments(taskId)]);
  const instanceId = comments[0]?.taskInstanceId ?? attachments[0]?.processInstanceId;
  const historic = instanceId ? await app.engine.deps.items.getHistoricInstance(instanceId) : undefined;
  if (historic && (await mayReadHistory(caller, historic))) return;
  throw missing();
}

/** An instance, running (READ on it) or in history (its history readable), as its history row; undefined otherwise. */
async function readableInstanceHistory(app: AppContext, caller: AuthContext, processInstanceId: string) {
  const historic = await app.engine.deps.items.getHistoricInstance(processInstanceId);
  if (!historic) return undefined;
  const running = historic.endTime === null || historic.endTime === undefined;
  const instance = { id: processInstanceId, definitionKey: historic.processDefinitionKey as string, tenantId: (historic.tenantId as string | null) ?? undefined };
  return (running && (await mayInstance(caller, instance, 'READ'))) || (await mayReadHistory(caller, historic)) ? historic : undefined;
}

/** A 404 of the owner becomes the note's own 404; any other failure stays what it is. */
function missingAs(missing: () => Error) {
  return (error: unknown): never => {
    throw error instanceof RequestError && error.status === 404 ? missing() : error;
  };
}

export const taskComments: UseCase<{ taskId: string }, CommentRecord[]> = async (app, caller, { taskId }) => {
  await notedTask(app, caller, taskId, 404);
  return app.engine.deps.notes.comments(taskOwner(taskId));
};

export const taskComment: UseCase<{ taskId: string; commentId: string }, CommentRecord> = async (app, caller, { taskId, commentId }) => {
  const missing = () => new RequestError(404, `Task comment with id ${commentId} does not exist for task id '${taskId}'.`);
  await notedTask(app, caller, taskId, 404).catch(missingAs(missing));
  const comment = await app.engine.deps.notes.comment(taskOwner(taskId), commentId);
  if (!comment) throw missing();
  return comment;
};

/**
 * POST /task/{id}/comment/create: the caller's comment on a running task, and on the instance the
 * body names, which the caller must be able to read (Camunda checks nothing).
 */
export const createTaskComment: UseCase<{ taskId: string; processInstanceId: string | null; message: string | null }, CommentRecord> = async (app, caller, input) => {
  const task = await readableTask(app, caller, input.taskId);
  if (!task) throw new RequestError(400, `No task found for task id ${input.taskId}`);
  if (input.message === null) throw Object.assign(new RequestError(400, 'Not enough parameters submitted'), { cause: nullValue('Message is null') });
  const named = input.processInstanceId ? await readableInstanceHistory(app, caller, input.processInstanceId) : undefined;
  if (input.processInstanceId && !named) throw new RequestError(400, `No process instance found for id ${input.processInstanceId}`);
  const taskInstanceId = (task.processInstanceId as string | null) ?? null;
  const comment: CommentRecord = {
    id: app.engine.env.newId(),
    userId: caller.userId,
    taskId: input.taskId,
    processInstanceId: input.processInstanceId,
    taskInstanceId,
    rootProcessInstanceId: named ? ((named.rootProcessInstanceId as string | undefined) ?? (named.id as string)) : await rootInstanceOf(app, taskInstanceId),
    time: app.engine.env.now(),
    message: input.message,
  };
  await app.engine.deps.notes.saveComment(ownersOf(comment), comment);
  return comment;
};

/** The owners a comment is filed under: its task, and the instance it names. */
function ownersOf(comment: CommentRecord): NoteOwner[] {
  return [...(comment.taskId ? [taskOwner(comment.taskId)] : []), ...(comment.processInstanceId ? [instanceOwner(comment.processInstanceId)] : [])];
}

/** A running task for a change to its comments: TASK_WORK (Camunda's checkTaskWork). */
async function workableTask(app: AppContext, caller: AuthContext, taskId: string): Promise<void> {
  const task = await app.engine.deps.items.getTask(taskId);
  if (!task || !(await mayTask(caller, task, 'READ'))) throw new RequestError(404, `No task found for task id ${taskId}`);
  await requireTask(caller, task, 'WORK');
}

/** A running instance for a change to its comments: UPDATE (Camunda's checkUpdateProcessInstanceById). */
async function updatableInstance(app: AppContext, caller: AuthContext, processInstanceId: string): Promise<void> {
  const loaded = await app.engine.load(processInstanceId);
  const state = loaded?.stored.state;
  if (!state || !(await mayInstance(caller, state, 'READ'))) throw new RequestError(404, `No process instance found for id ${processInstanceId}`);
  await requireInstance(caller, state, 'UPDATE');
}

async function updateComment(app: AppContext, owner: NoteOwner, commentId: string | null, message: string | null): Promise<void> {
  if (commentId === null) throw new RequestError(400, 'commentId is null');
  if (message === null) throw new RequestError(400, 'message is null');
  const notes = app.engine.deps.notes;
  const comment = await notes.comment(owner, commentId);
  if (!comment) {
    const name = owner.kind === 'TASK' ? 'taskId' : 'processInstanceId';
    throw new RequestError(400, `No comment exists with commentId: ${commentId} and ${name}: ${owner.id}: comment is null`);
  }
  await notes.updateComment(ownersOf(comment), commentId, message);
}

async function deleteComments(app: AppContext, owner: NoteOwner, commentId?: string): Promise<void> {
  const notes = app.engine.deps.notes;
  const comments = commentId === undefined ? await notes.comments(owner) : [await notes.comment(owner, commentId)].filter((c): c is CommentRecord => c !== undefined);
  for (const comment of comments) await notes.deleteComment(ownersOf(comment), comment.id);
}

export const updateTaskComment: UseCase<{ taskId: string; commentId: string | null; message: string | null }, void> = async (app, caller, input) => {
  await workableTask(app, caller, input.taskId);
  await updateComment(app, taskOwner(input.taskId), input.commentId, input.message);
};

export const deleteTaskComments: UseCase<{ taskId: string; commentId?: string }, void> = async (app, caller, input) => {
  await workableTask(app, caller, input.taskId);
  await deleteComments(app, taskOwner(input.taskId), input.commentId);
};

/** Camunda's ensureProcessInstanceExists reads the history: a running or finished instance the caller may read. */
async function readableInstanceComments(app: AppContext, caller: AuthContext, processInstanceId: string): Promise<void> {
  if (!(await readableInstanceHistory(app, caller, processInstanceId))) throw new RequestError(404, `No process instance found for id ${processInstanceId}`);
}

export const instanceComments: UseCase<{ processInstanceId: string }, CommentRecord[]> = async (app, caller, { processInstanceId }) => {
  await readableInstanceComments(app, caller, processInstanceId);
  return app.engine.deps.notes.comments(instanceOwner(processInstanceId));
};

export const updateInstanceComment: UseCase<{ processInstanceId: string; commentId: string | null; message: string | null }, void> = async (app, caller, input) => {
  await updatableInstance(app, caller, input.processInstanceId);
  await updateComment(app, instanceOwner(input.processInstanceId), input.commentId, input.message);
};

export const deleteInstanceComments: UseCase<{ processInstanceId: string; commentId?: string }, void> = async (app, caller, input) => {
  await updatableInstance(app, caller, input.processInstanceId);
  await deleteComments(app, instanceOwner(input.processInstanceId), input.commentId);
};

// ---- attachments --------------------------------------------------------------------------------

export const taskAttachments: UseCase<{ taskId: string }, AttachmentRecord[]> = async (app, caller, { taskId }) => {
  await notedTask(app, caller, taskId, 404);
  return app.engine.deps.notes.attachments(taskId);
};

export const taskAttachment: UseCase<{ taskId: string; attachmentId: string }, AttachmentRecord> = async (app, caller, { taskId, attachmentId }) => {
  const missing = () => new RequestError(404, `Task attachment with id ${attachmentId} does not exist for task id '${taskId}'.`);
  await notedTask(app, caller, taskId, 404).catch(missingAs(missing));
  const attachment = await app.engine.deps.notes.attachment(taskId, attachmentId);
  if (!attachment) throw missing();
  return attachment;
};

export interface NewAttachment {
  name: string | null;
  description: string | null;
  type: string | null;
  url: string | null;
  content: Buffer | null;
}

/** POST /task/{id}/attachment/create: content or a URL, on a running task the caller may read. */
export const createTaskAttachment: UseCase<{ taskId: string; attachment: NewAttachment }, AttachmentRecord> = async (app, caller, { taskId, attachment }) => {
  const task = await readableTask(app, caller, taskId);
  if (!task) throw new RequestError(400, `No task found for task id ${taskId}`);
  if (attachment.url === null && attachment.content === null) throw new RequestError(400, 'No content or url to remote content exists to create the task attachment.');
  const root = await rootInstanceOf(app, task.processInstanceId as string | null);
  const record: AttachmentRecord = {
    id: app.engine.env.newId(),
    name: attachment.name,
    description: attachment.description,
    type: attachment.type,
    url: attachment.content === null ? attachment.url : null,
    taskId,
    processInstanceId: (task.processInstanceId as string | null) ?? null,
    rootProcessInstanceId: root,
    createTime: app.engine.env.now(),
    userId: caller.userId,
    ...(attachment.content === null ? {} : { content: attachment.content.toString('base64') }),
  };
  await app.engine.deps.notes.saveAttachment(record);
  return record;
};

/** DELETE /task/{id}/attachment/{attachmentId}: UPDATE on the task or UPDATE_TASK on its definition. */
export const deleteTaskAttachment: UseCase<{ taskId: string; attachmentId: string }, void> = async (app, caller, { taskId, attachmentId }) => {
  const missing = () => new RequestError(404, `Deletion is not possible. No attachment exists for task id '${taskId}' and attachment id '${attachmentId}'.`);
  const task = await readableTask(app, caller, taskId);
  if (!task || !(await app.engine.deps.notes.attachment(taskId, attachmentId))) throw missing();
  await requireTask(caller, task, 'UPDATE');
  if (!(await app.engine.deps.notes.deleteAttachment(taskId, attachmentId))) throw missing();
};
