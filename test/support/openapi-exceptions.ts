/**
 * Where Camunda's OpenAPI document contradicts what Camunda's REST code answers, the tests follow
 * the code (issue 16). Each entry names the operation, the status, the schema the code's answer
 * has, and the Camunda source it rests on.
 */
export interface KnownDocumentError {
  method: string;
  path: string;
  status: number;
  /** The JSON schema of what Camunda's code answers (references into the document allowed). */
  schema: unknown;
  /** The Camunda source file that shows the real answer. */
  source: string;
  why: string;
}

export const KNOWN_DOCUMENT_ERRORS: KnownDocumentError[] = [
  {
    method: 'GET',
    path: '/job/{id}/stacktrace',
    status: 204,
    schema: undefined,
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/sub/runtime/impl/JobResourceImpl.java',
    why: 'getStacktrace returns the String the engine gives, null for a job that never failed, and JAX-RS answers a null return 204; the document lists only 200 and 404.',
  },
  {
    method: 'GET',
    path: '/history/job-log/{id}/stacktrace',
    status: 204,
    schema: undefined,
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/sub/history/impl/HistoricJobLogResourceImpl.java',
    why: 'getStacktrace returns the String the engine gives, null for an entry without an exception (a creation or a success), and JAX-RS answers a null return 204; the document lists only 200 and 404.',
  },
  {
    method: 'DELETE',
    path: '/process-definition/{id}',
    status: 200,
    schema: undefined,
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/sub/repository/impl/ProcessDefinitionResourceImpl.java',
    why: 'deleteProcessDefinition returns Response.ok().build(): 200 without a body (its REST test expects Status.OK); the document lists 204.',
  },
  // The comment resources' 404 (the task or instance is not found) is documented as an authorization refusal.
  ...(
    [
      ['DELETE', '/task/{id}/comment', 'TaskCommentResourceImpl'],
      ['PUT', '/task/{id}/comment', 'TaskCommentResourceImpl'],
      ['DELETE', '/task/{id}/comment/{commentId}', 'TaskCommentResourceImpl'],
      ['PUT', '/process-instance/{id}/comment', 'ProcessInstanceCommentResourceImpl'],
      ['DELETE', '/process-instance/{id}/comment/{commentId}', 'ProcessInstanceCommentResourceImpl'],
    ] as const
  ).map(([method, path, resource]) => ({
    method,
    path,
    status: 404,
    // References resolve against the document's id (test/support/openapi.ts).
    schema: { $ref: 'camunda-openapi.json#/components/schemas/ExceptionDto' },
    source: `engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/sub/${resource.startsWith('Task') ? 'task' : 'runtime'}/impl/${resource}.java`,
    why: 'ensureTaskExists / ensureProcessInstanceExists throw an InvalidRequestException (404, "No task found for task id …"), an ExceptionDto; the document names AuthorizationExceptionDto for the 404.',
  })),
];

/** A schema of the document's components that Camunda's code contradicts, mended for the tests. */
export interface KnownSchemaError {
  schema: string;
  source: string;
  why: string;
  // biome-ignore lint/suspicious/noExplicitAny: the document's components as JSON
  apply(schemas: Record<string, any>): void;
}

export const KNOWN_SCHEMA_ERRORS: KnownSchemaError[] = [
  {
    schema: 'ExceptionDto',
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/dto/ExceptionDto.java',
    why: '`code` is an Integer set only for engine exceptions (ProcessEngineException and its subclasses); RestException and InvalidRequestException leave it null.',
    apply: (schemas) => {
      schemas.ExceptionDto.properties.code.nullable = true;
    },
  },
  {
    schema: 'VariableValueDto',
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/dto/VariableValueDto.java',
    why: "fromTypedValue sets type and valueInfo only for a value that has a type: an untyped one (a DMN output without typeRef) keeps both null, as the document's own example of POST …/evaluate shows.",
    apply: (schemas) => {
      schemas.VariableValueDto.properties.valueInfo.nullable = true;
    },
  },
  {
    schema: 'HistoricDetailDto',
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/dto/history/HistoricDetailDto.java',
    why: 'A detail is a HistoricVariableUpdateDto (type variableUpdate: variable fields, a value of any type) or a HistoricFormFieldDto (type formField: fieldId, fieldValue); the document merges both into one schema and requires the form field properties of every detail.',
    apply: (schemas) => {
      schemas.HistoricDetailDto.required = (schemas.HistoricDetailDto.required ?? []).filter((name: string) => name !== 'fieldId' && name !== 'fieldValue');
      delete schemas.HistoricDetailDto.properties.value.type;
    },
  },
  ...['HistoricDecisionInputInstanceDto', 'HistoricDecisionOutputInstanceDto'].map((schema) => ({
    schema,
    source: `engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/dto/history/${schema}.java`,
    why: "`value` is set by VariableValueDto.fromTypedValue to the typed value's own value (a string, a number, a boolean…), as for every variable; the document types it as an object.",
    apply: (schemas: Record<string, { properties: { value: Record<string, unknown> } }>) => {
      delete schemas[schema]!.properties.value.type;
    },
  })),
];

/**
 * Fields Camunda writes only when the request asks for them: the one schema of the document covers
 * both answers, so these may be absent. (Every other property of a response is required.)
 */
export const KNOWN_OPTIONAL_FIELDS: { schema: string; fields: string[]; source: string }[] = [
  {
    schema: 'ParseExceptionDto',
    fields: ['details'],
    source:
      'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/exception/ExceptionHandlerHelper.java (details only for a ParseException; the other 400s of a deployment are plain ExceptionDtos)',
  },
  {
    schema: 'ProcessInstanceWithVariablesDto',
    fields: ['variables'],
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/sub/repository/impl/ProcessDefinitionResourceImpl.java (ProcessInstanceDto unless withVariablesInReturn)',
  },
  {
    schema: 'TaskWithAttachmentAndCommentDto',
    fields: ['attachment', 'comment'],
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/impl/TaskRestServiceImpl.java (only with withCommentAttachmentInfo)',
  },
  {
    schema: 'TaskWithVariablesDto',
    fields: ['variables'],
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/impl/TaskRestServiceImpl.java (only with withTaskVariablesInReturn / withTaskLocalVariablesInReturn)',
  },
  {
    schema: 'MessageCorrelationResultWithVariableDto',
    fields: ['variables'],
    source: 'engine-rest/engine-rest/src/main/java/org/camunda/bpm/engine/rest/impl/MessageRestServiceImpl.java (only with variablesInResultEnabled)',
  },
];
