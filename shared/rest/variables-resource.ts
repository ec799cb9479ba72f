/**
 * The variables sub-resource Camunda mounts under tasks, executions and process instances
 * (its AbstractVariablesResource): list, modify, one variable, and its binary data, with Camunda's
 * messages. A use case supplies reading and changing one scope's variables; this module wraps
 * their engine errors the way Camunda's resource does ("Cannot put task variable x: …").
 */
import * as z from 'zod/v4';
import type { AuthContext } from '../auth/auth-context.ts';
import type { AppContext } from '../app/app-context.ts';
import type { VariableOperation } from '../app/operation-log.ts';
import { EngineError } from '../engine/errors.ts';
import { getOwn } from '../engine/own-properties.ts';
import type { TypedValue, Variables } from '../engine/state.ts';
import { engineFailureAs, RestError } from './errors.ts';
import { json, noContent, type RestResponse } from './http.ts';
import { readBody, route, type Route, type RouteContext } from './router.ts';
import { attachmentHeader } from './attachment.ts';
import { parseMultipart } from './multipart.ts';
import { binaryContent, fileContent, fromVariableDto, fromVariableMap, toVariableDto, toVariableMapDto, VariableMapDto, VariableValueDto } from './variables.ts';

export interface VariableScopeAccess {
  /** As Camunda names the resource in its messages: `task`, `process instance`, `execution`. */
  typeName: string;
  read(app: AppContext, caller: AuthContext, id: string): Promise<Variables>;
  /**
   * `operation`: how the user operation log names the change; RemoveVariable is the DELETE of one
   * variable (Camunda's remove commands also word a missing scope their own way).
   */
  modify(app: AppContext, caller: AuthContext, id: string, modifications: Variables, deletions: readonly string[], operation: VariableOperation): Promise<void>;
}

const PatchVariables = z.object({ modifications: VariableMapDto.nullish(), deletions: z.array(z.string()).nullish() });

/**
 * An engine failure under the resource's own message, a 500 RestException; only PUT answers a user
 * error (BadUserRequestException) with 400, as Camunda's putVariable alone tells them apart.
 */
function wrapEngineError(error: unknown, message: string, userErrorsAre400 = false): unknown {
  if (!(error instanceof EngineError)) return error;
  return engineFailureAs(error, userErrorsAre400 && error.isUserError ? 400 : 500, 'RestException', message);
}

/** A REST-layer conversion failure (a bad value or type) under the resource's own message, as an InvalidRequestException. */
function wrapConversionError(error: unknown, message: string): unknown {
  if (!(error instanceof RestError)) return error;
  return Object.assign(new RestError(error.status, `${message}: ${error.message}`, 'InvalidRequestException'), { cause: error });
}

async function rethrowing<T>(run: () => Promise<T> | T, wrap: (error: unknown) => unknown): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw wrap(error);
  }
}

/** Variables of a request body, a bad value refused under `message` (Camunda's "Cannot resolve task x: …"). */
export function fromVariableMapAs(dtos: Record<string, VariableValueDto> | null | undefined, message: string): Variables {
  try {
    return fromVariableMap(dtos);
  } catch (error) {
    throw wrapConversionError(error, message);
  }
}

async function oneVariable(access: VariableScopeAccess, ctx: RouteContext, id: string, name: string): Promise<TypedValue> {
  const variables = await rethrowing(
    () => access.read(ctx.app, ctx.auth, id),
    (error) => wrapEngineError(error, `Cannot get ${access.typeName} variable ${name}`),
  );
  const value = getOwn(variables, name);
  if (!value) throw new RestError(404, `${access.typeName} variable with name ${name} does not exist`);
  return value;
}

/**
 * The routes of `<base>/{id}/<segment>`: GET and POST the collection, GET/PUT/DELETE one variable,
 * GET and POST its binary data (Bytes and File variables).
 */
export function variablesResource(base: `/${string}`, segment: string, access: VariableScopeAccess): Route[] {
  const collection = `${base}/{id}/${segment}` as const;
  const single = `${collection}/{varName}` as const;
  const read = (ctx: RouteContext<'id'>) => access.read(ctx.app, ctx.auth, ctx.params.id);
  return [
    route({ method: 'GET', pattern: collection, handler: async (ctx) => json(200, toVariableMapDto(await read(ctx))) }),
    route({
      method: 'POST',
      pattern: collection,
      handler: async (ctx): Promise<RestResponse> => {
        const body = readBody(ctx.req, PatchVariables);
        const modifications = fromVariableMapAs(body.modifications, `Cannot modify variables for ${access.typeName}`);
        await rethrowing(
          () => access.modify(ctx.app, ctx.auth, ctx.params.id, modifications, body.deletions ?? [], 'ModifyVariable'),
          (error) => wrapEngineError(error, `Cannot modify variables for ${access.typeName} ${ctx.params.id}`),
        );
        return noContent();
      },
    }),
    route({ method: 'GET', pattern: single, handler: async (ctx) => json(200, toVariableDto(await oneVariable(access, ctx, ctx.params.id, ctx.params.varName))) }),
    route({
      method: 'PUT',
      pattern: single,
      handler: async (ctx) => {
        const message = `Cannot put ${access.typeName} variable ${ctx.params.varName}`;
        const value = await rethrowing(
          () => fromVariableDto(readBody(ctx.req, VariableValueDto)),
          (error) => wrapConversionError(error, message),
        );
        await rethrowing(
          () => access.modify(ctx.app, ctx.auth, ctx.params.id, { [ctx.params.varName]: value }, [], 'SetVariable'),
          (error) => wrapEngineError(error, message, true),
        );
        return noContent();
      },
    }),
    route({
      method: 'DELETE',
      pattern: single,
      handler: async (ctx) => {
        await rethrowing(
          () => access.modify(ctx.app, ctx.auth, ctx.params.id, {}, [ctx.params.varName], 'RemoveVariable'),
          (error) => wrapEngineError(error, `Cannot delete ${access.typeName} variable ${ctx.params.varName}`),
        );
        return noContent();
      },
    }),
    route({ method: 'GET', pattern: `${single}/data`, handler: async (ctx) => binaryResponse(await oneVariable(access, ctx, ctx.params.id, ctx.params.varName), ctx.params.id) }),
    route({
      method: 'POST',
      pattern: `${single}/data`,
      handler: async (ctx) => {
        const message = `Cannot put ${access.typeName} variable ${ctx.params.varName}`;
        const value = binaryVariableOf(ctx);
        await rethrowing(
          () => access.modify(ctx.app, ctx.auth, ctx.params.id, { [ctx.params.varName]: value }, [], 'SetVariable'),
          (error) => wrapEngineError(error, message),
        );
        return noContent();
      },
    }),
  ];
}

/**
 * GET …/{varName}/data (Camunda's VariableResponseProvider): a Bytes variable's bytes, a File's with
 * its type and name; any other variable is refused, naming the resource's id (not the variable).
 */
export function binaryResponse(value: TypedValue, resourceId: string): RestResponse {
  const binary = binaryContent(value);
  if (!binary) throw new RestError(400, `Value of variable with id ${resourceId} is not a binary value.`);
  const headers: Record<string, string> = { 'content-type': binary.contentType };
  if (binary.filename !== undefined) headers['content-disposition'] = attachmentHeader(binary.filename);
  return { status: 200, binaryBody: binary.data, headers };
}

/**
 * POST …/{varName}/data (AbstractVariablesResource#setBinaryVariable): multipart, the content in
 * `data`, its type in `valueType` (Bytes unless File). A `type` part asks Camunda to deserialize a
 * Java object from it, which cannot happen here: it is refused.
 */
function binaryVariableOf(ctx: RouteContext): TypedValue {
  const parts = parseMultipart(ctx.req.body, ctx.req.headers['content-type'], 'Binary variable requests');
  if (parts.some((part) => part.name === 'type')) throw new RestError(400, "A 'type' part (a serialized Java object) is not supported: send the JSON as a Json variable instead");
  const valueTypePart = parts.find((part) => part.name === 'valueType');
  if (valueTypePart?.contentType && !valueTypePart.contentType.toLowerCase().startsWith('text/plain')) throw new RestError(400, "Form part with name 'valueType' must have a text/plain value");
  const valueType = valueTypePart?.data.toString('utf8').trim() || 'Bytes';
  const data = parts.find((part) => part.name === 'data');
  if (valueType === 'Bytes') return { type: 'Bytes', value: (data?.data ?? Buffer.alloc(0)).toString('base64') };
  if (valueType !== 'File') throw new RestError(400, `Unsupported value type '${valueType}'`, 'RestException');
  const charset = /charset=([^;\s]+)/i.exec(data?.contentType ?? '')?.[1] ?? null;
  const mimeType = data?.contentType?.split(';')[0]?.trim() || null;
  return { type: 'File', value: fileContent(data?.data ?? Buffer.alloc(0), { filename: data?.filename ?? ctx.params.varName, mimeType, encoding: charset }) };
}
