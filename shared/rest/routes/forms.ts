/**
 * Generated forms (camunda:formData) of tasks and start events: their variables, their HTML and
 * submitting them (Camunda's TaskResource and ProcessDefinitionResource form operations).
 */
import * as z from 'zod/v4';
import { startFormVariablesOf, startRenderedFieldsOf, taskFormVariables, taskRenderedFields } from '../../app/forms.ts';
import type { DefinitionRef } from '../../app/process-definitions.ts';
import { startProcessInstance } from '../../app/process-definitions.ts';
import { submitTaskForm } from '../../app/tasks.ts';
import type { RenderedField } from '../../engine/form-fields.ts';
import { processInstanceDto } from '../dto.ts';
import { answeringEngineFailures, engineFailureAs, RestError } from '../errors.ts';
import { renderFormHtml } from '../form-html.ts';
import { json, noContent, type RestRequest, type RestResponse } from '../http.ts';
import { qs, readQuery } from '../query-params.ts';
import { readBody, route, type Route, type RouteContext } from '../router.ts';
import { fromVariableMapAs } from '../variables-resource.ts';
import { toVariableMapDto, VariableMapDto } from '../variables.ts';

const SubmitTaskBody = z.object({ variables: VariableMapDto.nullish(), withVariablesInReturn: z.boolean().nullish() });
/** Camunda's StartProcessInstanceDto: submit-form uses its variables and business key only. */
const SubmitStartBody = z.object({ variables: VariableMapDto.nullish(), businessKey: z.string().max(255).nullish() }).passthrough();
const FormVariablesParams = z.object({ deserializeValues: qs.boolean() });

/** `variableNames`: comma separated, as given; present but empty names none (Camunda's StringListConverter). */
function variableNames(req: RestRequest): string[] | undefined {
  readQuery(req, FormVariablesParams);
  const raw = req.query.variableNames;
  return raw === undefined ? undefined : raw.split(',').filter((name) => name.trim() !== '');
}

const html = (fields: readonly RenderedField[]): RestResponse => ({ status: 200, rawBody: renderFormHtml(fields), headers: { 'content-type': 'application/xhtml+xml' } });

/**
 * Camunda's submit resources answer a failure under their own message: an unconvertible value
 * (FormFieldValidationException) 400, other engine failures 500; Java's own exceptions (a long
 * field given text) escape as themselves.
 */
function wrappedSubmit<T>(message: string, run: () => Promise<T>): Promise<T> {
  return answeringEngineFailures(run, (error) =>
    error.type === 'NumberFormatException' ? undefined : engineFailureAs(error, error.type === 'FormFieldValidationException' ? 400 : 500, 'RestException', message),
  );
}

/** POST …/submit-form of a definition: an unknown id is the engine's not-found under the resource's message (500). */
async function submitStartForm(ctx: RouteContext, definition: DefinitionRef) {
  const request = () => {
    const body = readBody(ctx.req, SubmitStartBody);
    const label = 'id' in definition ? definition.id : definition.key;
    return { variables: fromVariableMapAs(body.variables, `Cannot instantiate process definition ${label}`), businessKey: body.businessKey ?? undefined };
  };
  const { instance } = await startProcessInstance(ctx.app, ctx.auth, { definition, request, viaStartForm: true }).catch((error: unknown) => {
    if ('id' in definition && error instanceof RestError && error.status === 404) {
      throw new RestError(
        500,
        `Cannot instantiate process definition ${definition.id}: no deployed process definition found with id '${definition.id}': processDefinition is null`,
        'RestException',
        0,
      );
    }
    throw error;
  });
  return json(200, processInstanceDto(instance, ctx.req.baseUrl));
}

/** The three addresses of a definition's form operation: by id, by key, by key and tenant. */
function definitionRoutes(method: 'GET' | 'POST', operation: string, handler: (ctx: RouteContext, definition: DefinitionRef) => Promise<RestResponse>): Route[] {
  return [
    route({ method, pattern: `/process-definition/{id}/${operation}`, handler: (ctx) => handler(ctx, { id: ctx.params.id }) }),
    route({ method, pattern: `/process-definition/key/{key}/${operation}`, handler: (ctx) => handler(ctx, { key: ctx.params.key }) }),
    route({ method, pattern: `/process-definition/key/{key}/tenant-id/{tenantId}/${operation}`, handler: (ctx) => handler(ctx, { key: ctx.params.key, tenantId: ctx.params.tenantId }) }),
  ];
}

export const formRoutes: Route[] = [
  route({
    method: 'GET',
    pattern: '/task/{id}/form-variables',
    handler: async (ctx) => json(200, toVariableMapDto(await taskFormVariables(ctx.app, ctx.auth, ctx.params.id, variableNames(ctx.req)))),
  }),
  route({ method: 'GET', pattern: '/task/{id}/rendered-form', handler: async (ctx) => html(await taskRenderedFields(ctx.app, ctx.auth, ctx.params.id)) }),
  route({
    method: 'POST',
    pattern: '/task/{id}/submit-form',
    handler: async (ctx) => {
      const message = `Cannot submit task form ${ctx.params.id}`;
      const body = readBody(ctx.req, SubmitTaskBody);
      const submitted = fromVariableMapAs(body.variables, message);
      const variables = await wrappedSubmit(message, () => submitTaskForm(ctx.app, ctx.auth, { taskId: ctx.params.id, variables: submitted }));
      return body.withVariablesInReturn ? json(200, toVariableMapDto(variables)) : noContent();
    },
  }),
  ...definitionRoutes('GET', 'form-variables', async (ctx, definition) => json(200, toVariableMapDto(await startFormVariablesOf(ctx.app, ctx.auth, definition, variableNames(ctx.req))))),
  ...definitionRoutes('GET', 'rendered-form', async (ctx, definition) => html(await startRenderedFieldsOf(ctx.app, ctx.auth, definition))),
  ...definitionRoutes('POST', 'submit-form', (ctx, definition) => {
    const label = 'id' in definition ? definition.id : definition.key;
    return wrappedSubmit(`Cannot instantiate process definition ${label}`, () => submitStartForm(ctx, definition));
  }),
];
