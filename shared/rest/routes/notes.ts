/** Comments on tasks and process instances, attachments of tasks (Camunda's TaskCommentResource, TaskAttachmentResource, ProcessInstanceCommentResource). */
import * as z from 'zod/v4';
import {
  createTaskAttachment,
  createTaskComment,
  deleteInstanceComments,
  deleteTaskAttachment,
  deleteTaskComments,
  instanceComments,
  MAX_COMMENT_CHARS,
  taskAttachment,
  taskAttachments,
  taskComment,
  taskComments,
  updateInstanceComment,
  updateTaskComment,
} from '../../app/notes.ts';
import type { AttachmentRecord, CommentRecord } from '../../app/read-models.ts';
import { formatDate } from '../dates.ts';
import { invalidRequest, RestError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { parseMultipart } from '../multipart.ts';
import { readBody, route, type Route } from '../router.ts';

const NewComment = z.object({ message: z.string().max(MAX_COMMENT_CHARS).nullish(), processInstanceId: z.string().nullish() });
const ChangedComment = z.object({ id: z.string().nullish(), message: z.string().max(MAX_COMMENT_CHARS).nullish() });

type Link = { method: string; href: string; rel: string };

function commentDto(comment: CommentRecord, links: Link[] = []) {
  return {
    links,
    id: comment.id,
    userId: comment.userId,
    taskId: comment.taskId,
    processInstanceId: comment.processInstanceId,
    time: formatDate(comment.time),
    message: comment.message,
    removalTime: null,
    rootProcessInstanceId: comment.rootProcessInstanceId,
  };
}

function attachmentDto(attachment: AttachmentRecord, links: Link[] = []) {
  return {
    links,
    id: attachment.id,
    name: attachment.name,
    description: attachment.description,
    taskId: attachment.taskId,
    type: attachment.type,
    url: attachment.url,
    createTime: formatDate(attachment.createTime),
    removalTime: null,
    rootProcessInstanceId: attachment.rootProcessInstanceId,
  };
}

export const noteRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/task/{id}/comment',
    handler: async (ctx) =>
      json(
        200,
        (await taskComments(ctx.app, ctx.auth, { taskId: ctx.params.id })).map((c) => commentDto(c)),
      ),
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/comment/create',
    handler: async (ctx) => {
      const body = readBody(ctx.req, NewComment);
      const comment = await createTaskComment(ctx.app, ctx.auth, { taskId: ctx.params.id, processInstanceId: body.processInstanceId ?? null, message: body.message ?? null });
      return json(200, commentDto(comment, [{ method: 'GET', href: `${ctx.req.baseUrl}/task/${ctx.params.id}/comment/${comment.id}`, rel: 'self' }]));
    },
  }),
  route({
    method: 'GET',
    pattern: '/task/{id}/comment/{commentId}',
    handler: async (ctx) => json(200, commentDto(await taskComment(ctx.app, ctx.auth, { taskId: ctx.params.id, commentId: ctx.params.commentId }))),
  }),
  route({
    method: 'PUT',
    pattern: '/task/{id}/comment',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ChangedComment);
      await updateTaskComment(ctx.app, ctx.auth, { taskId: ctx.params.id, commentId: body.id ?? null, message: body.message ?? null });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/task/{id}/comment',
    handler: async (ctx) => {
      await deleteTaskComments(ctx.app, ctx.auth, { taskId: ctx.params.id });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/task/{id}/comment/{commentId}',
    handler: async (ctx) => {
      await deleteTaskComments(ctx.app, ctx.auth, { taskId: ctx.params.id, commentId: ctx.params.commentId });
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/process-instance/{id}/comment',
    handler: async (ctx) =>
      json(
        200,
        (await instanceComments(ctx.app, ctx.auth, { processInstanceId: ctx.params.id })).map((c) => commentDto(c)),
      ),
  }),
  route({
    method: 'PUT',
    pattern: '/process-instance/{id}/comment',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ChangedComment);
      await updateInstanceComment(ctx.app, ctx.auth, { processInstanceId: ctx.params.id, commentId: body.id ?? null, message: body.message ?? null });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/process-instance/{id}/comment',
    handler: async (ctx) => {
      await deleteInstanceComments(ctx.app, ctx.auth, { processInstanceId: ctx.params.id });
      return noContent();
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/process-instance/{id}/comment/{commentId}',
    handler: async (ctx) => {
      await deleteInstanceComments(ctx.app, ctx.auth, { processInstanceId: ctx.params.id, commentId: ctx.params.commentId });
      return noContent();
    },
  }),
  route({
    method: 'GET',
    pattern: '/task/{id}/attachment',
    handler: async (ctx) =>
      json(
        200,
        (await taskAttachments(ctx.app, ctx.auth, { taskId: ctx.params.id })).map((a) => attachmentDto(a)),
      ),
  }),
  route({
    method: 'POST',
    pattern: '/task/{id}/attachment/create',
    handler: async (ctx) => {
      const parts = parseMultipart(ctx.req.body, ctx.req.headers['content-type'], 'Attachment requests');
      const text = (name: string) => parts.find((p) => p.name === name)?.data.toString('utf8') ?? null;
      const content = parts.find((p) => p.name === 'content')?.data ?? null;
      const attachment = await createTaskAttachment(ctx.app, ctx.auth, {
        taskId: ctx.params.id,
        attachment: { name: text('attachment-name'), description: text('attachment-description'), type: text('attachment-type'), url: text('url'), content },
      });
      return json(200, attachmentDto(attachment, [{ method: 'GET', href: `${ctx.req.baseUrl}/task/${ctx.params.id}/attachment/${attachment.id}`, rel: 'self' }]));
    },
  }),
  route({
    method: 'GET',
    pattern: '/task/{id}/attachment/{attachmentId}',
    handler: async (ctx) => json(200, attachmentDto(await taskAttachment(ctx.app, ctx.auth, { taskId: ctx.params.id, attachmentId: ctx.params.attachmentId }))),
  }),
  route({
    method: 'GET',
    pattern: '/task/{id}/attachment/{attachmentId}/data',
    handler: async (ctx) => {
      const { id, attachmentId } = ctx.params;
      // Whatever is missing, the task or the attachment or its content, Camunda names the content.
      const attachment = await taskAttachment(ctx.app, ctx.auth, { taskId: id, attachmentId }).catch((error: unknown) => {
        if (error instanceof RestError && error.status === 404) return undefined;
        throw error;
      });
      if (!attachment?.content) throw invalidRequest(`Attachment content for attachment with id '${attachmentId}' does not exist for task id '${id}'.`, 404);
      return { status: 200, binaryBody: Buffer.from(attachment.content, 'base64'), headers: { 'content-type': 'application/octet-stream' } };
    },
  }),
  route({
    method: 'DELETE',
    pattern: '/task/{id}/attachment/{attachmentId}',
    handler: async (ctx) => {
      await deleteTaskAttachment(ctx.app, ctx.auth, { taskId: ctx.params.id, attachmentId: ctx.params.attachmentId });
      return noContent();
    },
  }),
];
