import * as z from 'zod/v4';
import { completeExternalTask, extendExternalTaskLock, failExternalTask, lockExternalTask, unlockExternalTask } from '../../engine/operations.ts';
import { EngineError } from '../../engine/errors.ts';
import type { ProcessInstanceState } from '../../engine/state.ts';
import { externalTaskDto } from '../dto.ts';
import { invalidRequest, RestError } from '../errors.ts';
import { json, noContent } from '../http.ts';
import { booleanParam, page, stringParam } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { filterAllowed, mayInstanceItem, requireInstanceItem } from '../access.ts';
import { fromVariableMap, toVariableDto, VariableMapDto } from '../variables.ts';
import type { Item } from '../../store/projections.ts';

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
const ExtendLock = z.object({ workerId: z.string().min(1), newDuration: z.number().int().positive() });

/** API Gateway cuts requests at 29 s; long polling stays safely below. */
export const MAX_LONG_POLL_MS = 25_000;
const POLL_INTERVAL_MS = 300;

function fetchable(item: Item, now: number): boolean {
  const lockFree = item.lockExpirationTime === null || item.lockExpirationTime === undefined || (item.lockExpirationTime as number) <= now;
  const retriesLeft = item.retries === null || item.retries === undefined || (item.retries as number) > 0;
  return lockFree && retriesLeft;
}

function variablesFor(state: ProcessInstanceState, names: string[] | null | undefined) {
  const all = state.root.variables ?? {};
  const picked = names ? Object.entries(all).filter(([name]) => names.includes(name)) : Object.entries(all);
  return Object.fromEntries(picked.map(([name, value]) => [name, toVariableDto(value)]));
}

/** Locks up to maxTasks tasks; a task another worker locked first is skipped, never double-locked. */
async function fetchOnce(ctx: RouteContext, request: z.infer<typeof FetchAndLock>) {
  const locked: unknown[] = [];
  const max = request.maxTasks ?? 10;
  for (const topic of request.topics ?? []) {
    if (locked.length >= max) break;
    const now = ctx.service.env.now();
    const topicTasks = await filterAllowed(
      await ctx.service.deps.items.byKind(`EXTTASK#${topic.topicName}`),
      async (item) => (await mayInstanceItem(ctx, item, 'READ')) && (await mayInstanceItem(ctx, item, 'UPDATE')),
    );
    const candidates = topicTasks.filter(
      (item) =>
        fetchable(item, now) &&
        (!topic.businessKey || item.businessKey === topic.businessKey) &&
        (!topic.processDefinitionId || item.processDefinitionId === topic.processDefinitionId) &&
        (!topic.processDefinitionKey || item.processDefinitionKey === topic.processDefinitionKey),
    );
    for (const candidate of candidates) {
      if (locked.length >= max) break;
      try {
        const state = await ctx.service.update(
          candidate.processInstanceId as string,
          (s) => {
            const current = findItemState(s, candidate.id as string);
            if (!current || (current.workerId && (current.lockExpiration ?? 0) > ctx.service.env.now())) return s;
            return lockExternalTask(s, candidate.id as string, request.workerId, topic.lockDuration, ctx.service.env);
          },
          () => new EngineError('NotFoundException', 'gone'),
        );
        const task = findItemState(state, candidate.id as string);
        if (!task || task.workerId !== request.workerId) continue;
        locked.push({
          ...externalTaskDto({ ...candidate, workerId: request.workerId, lockExpirationTime: task.lockExpiration ?? null }),
          errorDetails: null,
          variables: variablesFor(state, topic.variables),
          extensionProperties: {},
        });
      } catch (error) {
        if (error instanceof EngineError && (error.type === 'NotFoundException' || error.type === 'OptimisticLockingException')) continue;
        throw error;
      }
    }
  }
  return locked;
}

function findItemState(state: ProcessInstanceState, externalTaskId: string) {
  const stack = [state.root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.externalTask?.id === externalTaskId) return node.externalTask;
    stack.push(...(node.children ?? []));
  }
  return undefined;
}

async function ownerOf(ctx: RouteContext<'id'>): Promise<string> {
  const item = await ctx.service.deps.items.getExternalTask(ctx.params.id);
  if (!item || !(await mayInstanceItem(ctx, item, 'READ'))) throw new RestError(404, `External task with id ${ctx.params.id} does not exist`);
  await requireInstanceItem(ctx, item, 'UPDATE');
  return item.processInstanceId as string;
}

const gone = (id: string) => () => new RestError(404, `External task with id ${id} does not exist`);

export const externalTaskRoutes: Route[] = [
  route({
    method: 'POST',
    pattern: '/external-task/fetchAndLock',
    handler: async (ctx) => {
      const request = readBody(ctx.req, FetchAndLock);
      const deadline = Date.now() + Math.min(request.asyncResponseTimeout ?? 0, MAX_LONG_POLL_MS);
      for (;;) {
        const locked = await fetchOnce(ctx, request);
        if (locked.length > 0 || Date.now() >= deadline) return json(200, locked);
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      }
    },
  }),
  route({
    method: 'GET',
    pattern: '/external-task',
    handler: async (ctx) => {
      const q = ctx.req.query;
      const topic = stringParam(q, 'topicName');
      const pi = stringParam(q, 'processInstanceId');
      const locked = booleanParam(q, 'locked');
      const now = ctx.service.env.now();
      const items = topic
        ? await ctx.service.deps.items.byKind(`EXTTASK#${topic}`)
        : pi
          ? await ctx.service.deps.items.ofInstance(pi, 'EXTTASK#')
          : [];
      const readable = await filterAllowed(items, (i) => mayInstanceItem(ctx, i, 'READ'));
      const filtered = readable.filter((i) => (!pi || i.processInstanceId === pi) && (locked === undefined || locked === !fetchable(i, now)));
      return json(200, page(filtered, q).map(externalTaskDto));
    },
  }),
  route({
    method: 'GET',
    pattern: '/external-task/{id}',
    handler: async (ctx) => {
      const item = await ctx.service.deps.items.getExternalTask(ctx.params.id);
      if (!item || !(await mayInstanceItem(ctx, item, 'READ'))) throw new RestError(404, `External task with id ${ctx.params.id} does not exist`);
      return json(200, externalTaskDto(item));
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/complete',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Complete);
      const variables = fromVariableMap(body.variables);
      const locals = fromVariableMap(body.localVariables);
      await ctx.service.update(await ownerOf(ctx), (s, model) => completeExternalTask(s, model, ctx.params.id, body.workerId, variables, locals, ctx.service.env), gone(ctx.params.id));
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/failure',
    handler: async (ctx) => {
      const body = readBody(ctx.req, Failure);
      if ((body.retries ?? 0) < 0) throw invalidRequest('retries must be >= 0');
      await ctx.service.update(
        await ownerOf(ctx),
        (s) =>
          failExternalTask(s, ctx.params.id, {
            workerId: body.workerId,
            errorMessage: body.errorMessage ?? undefined,
            errorDetails: body.errorDetails ?? undefined,
            retries: body.retries ?? 0,
            retryTimeout: body.retryTimeout ?? 0,
          }, ctx.service.env),
        gone(ctx.params.id),
      );
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/extendLock',
    handler: async (ctx) => {
      const body = readBody(ctx.req, ExtendLock);
      await ctx.service.update(await ownerOf(ctx), (s) => extendExternalTaskLock(s, ctx.params.id, body.workerId, body.newDuration, ctx.service.env), gone(ctx.params.id));
      return noContent();
    },
  }),
  route({
    method: 'POST',
    pattern: '/external-task/{id}/unlock',
    handler: async (ctx) => {
      await ctx.service.update(await ownerOf(ctx), (s) => unlockExternalTask(s, ctx.params.id), gone(ctx.params.id));
      return noContent();
    },
  }),
];
