import * as z from 'zod/v4';
import type { FileContent, TypedValue, Variables, VariableTypeName } from '../engine/state.ts';
import { toTypedValue } from '../engine/typed-values.ts';
import { formatDate, parseDate } from './dates.ts';
import { RestError, invalidRequest } from './errors.ts';

/** Camunda's VariableValueDto as received: `value`, optional `type`, optional `valueInfo`. */
export const VariableValueDto = z.object({
  value: z.unknown().optional(),
  type: z.string().nullish(),
  valueInfo: z.record(z.string(), z.unknown()).nullish(),
});
export type VariableValueDto = z.infer<typeof VariableValueDto>;

/**
 * A JSON object used as a map with client-chosen keys. Unlike z.record it keeps every own key,
 * including `__proto__`, which JSON.parse creates as an ordinary property.
 */
export function ownRecord<S extends z.ZodType>(schema: S) {
  return z
    .custom<Record<string, z.input<S>>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => schema.safeParse(entry).success), {
      message: 'expected an object of variable values',
    })
    .transform((value) => Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, schema.parse(entry) as z.output<S>])));
}

export const VariableMapDto = ownRecord(VariableValueDto);

const JAVA_TYPES: Record<string, string> = {
  Integer: 'java.lang.Integer',
  Long: 'java.lang.Long',
  Short: 'java.lang.Short',
  Double: 'java.lang.Double',
  Boolean: 'java.lang.Boolean',
  Date: 'java.util.Date',
  String: 'java.lang.String',
};

const cannotConvert = (value: unknown, type: string) =>
  invalidRequest(`Cannot convert value '${typeof value === 'string' ? value : JSON.stringify(value)}' of type '${type}' to java type ${JAVA_TYPES[type] ?? type}`);

function toNumber(value: unknown, type: string, min: number, max: number, integral: boolean): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || (integral && !Number.isInteger(n)) || n < min || n > max) throw cannotConvert(value, type);
  return n;
}

/**
 * Converts a REST variable to a typed engine value exactly where Camunda's VariableValueDto#toTypedValue
 * would fail: unknown types, unconvertible primitives, non-string serialized values.
 */
export function fromVariableDto(dto: VariableValueDto): TypedValue {
  const { value } = dto;
  if (dto.type === undefined || dto.type === null || dto.type === '') return toTypedValue(value ?? null);
  const type = dto.type.charAt(0).toUpperCase() + dto.type.slice(1);
  if (value === null || value === undefined) {
    if (!(type in JAVA_TYPES) && !['Null', 'Json', 'Object', 'Xml', 'Bytes', 'File'].includes(type)) throw new RestError(400, `Unsupported value type '${dto.type}'`, 'RestException');
    return { type: type === 'Short' ? 'Integer' : (type as VariableTypeName), value: null };
  }
  switch (type) {
    case 'String':
      if (typeof value === 'object') throw cannotConvert(value, type);
      return { type: 'String', value: String(value) };
    case 'Integer':
      return { type: 'Integer', value: toNumber(value, type, -2147483648, 2147483647, true) };
    case 'Short':
      return { type: 'Integer', value: toNumber(value, type, -32768, 32767, true) };
    case 'Long':
      return { type: 'Long', value: toNumber(value, type, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true) };
    case 'Double':
      return { type: 'Double', value: toNumber(value, type, -Number.MAX_VALUE, Number.MAX_VALUE, false) };
    case 'Boolean':
      if (typeof value === 'boolean') return { type: 'Boolean', value };
      if (value === 'true' || value === 'false') return { type: 'Boolean', value: value === 'true' };
      throw cannotConvert(value, type);
    case 'Date': {
      const time = typeof value === 'string' ? parseDate(value) : undefined;
      if (time === undefined) throw cannotConvert(value, type);
      return { type: 'Date', value: new Date(time).toISOString() };
    }
    case 'Null':
      return { type: 'Null', value: null };
    case 'Bytes':
      // Camunda's JSON carries a byte array as base64 (Jackson's byte[]).
      if (typeof value !== 'string') throw cannotConvert(value, type);
      return { type: 'Bytes', value: Buffer.from(value, 'base64').toString('base64') };
    case 'File':
      if (typeof value !== 'string') throw cannotConvert(value, type);
      return { type: 'File', value: fileContent(Buffer.from(value, 'base64'), dto.valueInfo ?? {}) };
    case 'Json':
    case 'Object':
    case 'Xml':
      if (typeof value !== 'string') throw invalidRequest(`Must provide 'null' or String value for value of SerializableValue type '${dto.type}'.`);
      if (type === 'Xml') throw new RestError(400, `Unsupported value type '${dto.type}'`, 'RestException');
      return { type: type as VariableTypeName, value };
    default:
      throw new RestError(400, `Unsupported value type '${dto.type}'`, 'RestException');
  }
}

export function fromVariableMap(dtos: Record<string, VariableValueDto> | null | undefined): Variables {
  return Object.fromEntries(Object.entries(dtos ?? {}).map(([name, dto]) => [name, fromVariableDto(dto)]));
}

/** A stored value as Camunda's VariableValueDto (dates in Camunda's format, objects serialized). */
export function toVariableDto(typed: TypedValue): { type: string; value: unknown; valueInfo: Record<string, unknown> } {
  switch (typed.type) {
    case 'Date':
      return { type: 'Date', value: typeof typed.value === 'string' ? formatDate(Date.parse(typed.value)) : null, valueInfo: {} };
    case 'Object':
      return {
        type: 'Object',
        value: typeof typed.value === 'string' ? typed.value : JSON.stringify(typed.value),
        valueInfo: { objectTypeName: Array.isArray(typed.value) ? 'java.util.ArrayList' : 'java.util.LinkedHashMap', serializationDataFormat: 'application/json' },
      };
    case 'File': {
      // Camunda's FileValue: no value in JSON, the file's name, type and encoding in valueInfo.
      const file = typed.value as FileContent | null;
      return { type: 'File', value: null, valueInfo: file ? { filename: file.filename, mimeType: file.mimeType, encoding: file.encoding } : {} };
    }
    default:
      return { type: typed.type, value: typed.value, valueInfo: {} };
  }
}

/** A File value from its bytes and Camunda's valueInfo (`filename`, `mimeType` or `mimetype`, `encoding`). */
export function fileContent(data: Buffer, valueInfo: Record<string, unknown>): FileContent {
  const text = (key: string) => (typeof valueInfo[key] === 'string' ? (valueInfo[key] as string) : null);
  return { data: data.toString('base64'), filename: text('filename') ?? '', mimeType: text('mimeType') ?? text('mimetype'), encoding: text('encoding') };
}

/** The bytes a binary variable holds, with the content type Camunda answers GET …/data with; undefined for any other type. */
export function binaryContent(typed: TypedValue): { data: Buffer; contentType: string; filename?: string } | undefined {
  if (typed.type === 'Bytes') return { data: Buffer.from(typeof typed.value === 'string' ? typed.value : '', 'base64'), contentType: 'application/octet-stream' };
  if (typed.type !== 'File') return undefined;
  const file = typed.value as FileContent | null;
  if (!file) return { data: Buffer.alloc(0), contentType: 'application/octet-stream' };
  const contentType = `${file.mimeType ?? 'application/octet-stream'}${file.encoding ? `; charset=${file.encoding}` : ''}`;
  return { data: Buffer.from(file.data, 'base64'), contentType, filename: file.filename };
}

export function toVariableMapDto(variables: Variables | undefined): Record<string, ReturnType<typeof toVariableDto>> {
  return Object.fromEntries(Object.entries(variables ?? {}).map(([name, value]) => [name, toVariableDto(value)]));
}
