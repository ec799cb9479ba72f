import * as z from 'zod/v4';
import {
  completeExternalTask,
  extendExternalTaskLock,
  fetchAndLock,
  getExternalTask,
  handleExternalTaskBpmnError,
  handleExternalTaskFailure,
  queryExternalTasks,
  unlockExternalTask,
} from '../../app/external-tasks.ts';
import { externalTaskDto } from '../dto.ts';
import { invalidRequest } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { page, pagingParams, qs, readQuery } from '../query-params.ts';
import { readBody, route, type Route } from '../router.ts';
import { fromVariableMap, toVariableMapDto, VariableMapDto } from '../variables.ts';

const ExternalTaskListParams = z.object({ topicName: qs.string(), processInstanceId: qs.string(), locked: qs.boolean(), ...pagingParams });

const Topic = z.object({
  topicName: z.string().min(1),
  lockDuration: z.number().int().nonnegative(),
  variables: z.array(z.string()).nullish(),
  localVariables: z.boolean().nullish(),
  businessKey: z.string().nullish(),
  processDefinitionId: z.string().nullish(),
  processDefinitionKey: z.string().nullish(),
});

const FetchAndLock = z.object({
  workerId: z.string().min(1),
  maxTasks: z.number().int().nonnegative().nullish(),
  usePriority: z.boolean().nullish(),
  asyncResponseTimeout: z.number().int().nonnegative().nullish(),
  topics: z.array(Topic).nullish(),
});

const Complete = z.object({ workerId: z.string().min(1), variables: VariableMapDto.nullish(), localVariables: VariableMapDto.nullish() });
const Failure = z.object({
  workerId: z.string().min(1),
  errorMessage: z.string().nullish(),
  errorDetails: z.string().nullish(),
  retries: z.number().int().nullish(),
  retryTimeout: z.number().int().nullish(),
});
const BpmnErrorBody = z.object({ workerId: z.string().min(1), errorCode: z.string().nullish(), errorMessage: z.string().nullish(), variables: VariableMapDto.nullish() });
const ExtendLock = z.object({ workerId: z.string().min(1), newDuration: z.number().int().positive() });

export const externalTaskRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/external-task/fetchAndLock',
    handler: async (ctx) => {
      const request = readBody(ctx.req, FetchAndLock);
      const locked = await fetchAndLock(ctx.app, ctx.auth, {
        workerId: request.workerId,
        maxTasks: request.maxTasks ?? undefined,
        asyncResponseTimeout: request.asyncResponseTimeout ?? undefined,
        topics: (request.topics ?? []).map((topic) => ({
          topicName: topic.topicName,
          lockDuration: topic.lockDuration,
          variables: topic.variables ?? undefined,
          businessKey: topic.businessKey ?? undefined,
          processDefinitionId: topic.processDefinitionId ?? undefined,
          processDefinitionKey: topic.processDefinitionKey ?? undefined,
        })),
      });
      return json(
        200,
        locked.map(({ task, variables }) => ({ ...externalTaskDto(task), errorDetails: null, variables: toVariableMapDto(variables), extensionProperties: {} })),
      );
    },
  }),
  route({
    method: 'GET',
    pattern: '/external-task',
    handler: async (ctx) => {
      const { firstResult, maxResults, ...query } = readQuery(ctx.req, ExternalTaskListParams);
      const tasks = await queryExternalTasks(ctx.app, ctx.auth, query);
      return json(200, page(tasks, { firstResult, maxResults }).map(externalTaskDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/external-task/{id}',
    handler: async (ctx) => json(200, externalTaskDto(await getExternalTask(ctx.app, ctx.auth, { externalTaskId: ctx.params.id }))),
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/complete',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Complete);
      const variables = fromVariableMap(body.variables);
      const localVariables = fromVariableMap(body.localVariables);
      await completeExternalTask(ctx.app, ctx.auth, { externalTaskId: ctx.params.id, workerId: body.workerId, variables, localVariables });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/bpmnError',
    handler: async (ctx) => {
      const body = readBody(ctx.req, BpmnErrorBody);
      await handleExternalTaskBpmnError(ctx.app, ctx.auth, {
        externalTaskId: ctx.params.id,
        workerId: body.workerId,
        errorCode: body.errorCode ?? undefined,
        errorMessage: body.errorMessage ?? undefined,
        variables: fromVariableMap(body.variables),
      });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/failure',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Failure);
      if ((body.retries ?? 0) < 0) throw invalidRequest('retries must be >= 0');
      await handleExternalTaskFailure(ctx.app, ctx.auth, {
        externalTaskId: ctx.params.id,
        workerId: body.workerId,
        errorMessage: body.errorMessage ?? undefined,
        errorDetails: body.errorDetails ?? undefined,
        retries: body.retries ?? 0,
        retryTimeout: body.retryTimeout ?? 0,
      });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/extendLock',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ExtendLock);
      await extendExternalTaskLock(ctx.app, ctx.auth, { externalTaskId: ctx.params.id, workerId: body.workerId, newDuration: body.newDuration });
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/unlock',
    handler: async (ctx) => {
      await unlockExternalTask(ctx.app, ctx.auth, { externalTaskId: ctx.params.id });
      return noContent();
    },
  }),
];
