/**
 * Values of a decision: typed by a clause's `typeRef` as Camunda's DmnDataTypeTransformers do, or
 * untyped (type null) where the clause names no type or one Camunda does not know (DMN-01006).
 */
import { DmnEvaluationError } from './errors.ts';

/** The value types a clause's typeRef gives (Camunda's variable type names). */
export type DmnValueType = 'String' | 'Boolean' | 'Integer' | 'Long' | 'Double' | 'Date';

/** A value as the caller's variables hold it: a type name (Camunda's) and the value. */
export interface TypedInput {
  readonly type: string | null;
  readonly value: unknown;
}

export interface DecisionValue {
  /** Null: untyped (Camunda's UntypedValue), as REST shows it (`"type": null`). */
  readonly type: DmnValueType | null;
  readonly value: unknown;
  /**
   * The Java class of an untyped number, which decides an aggregation's type: FEEL gives Long or
   * Double; a JUEL expression that names a variable gives that variable's class.
   */
  readonly numberType?: 'Integer' | 'Long' | 'Double';
}

export const untyped = (value: unknown): DecisionValue => ({ type: null, value: value ?? null });

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const invalid = (value: unknown, typeRef: string) => new DmnEvaluationError(`DMN-01005 Invalid value '${display(value)}' for clause with type '${typeRef}'.`);

function display(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** Java's Long/Integer parsing: an optional sign and digits only. */
const WHOLE = /^[+-]?\d+$/;

function whole(value: unknown, min: number, max: number): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && WHOLE.test(value) ? Number(value) : undefined;
  return number !== undefined && Number.isInteger(number) && number >= min && number <= max ? number : undefined;
}

/** Camunda's DateDataTypeTransformer reads strings as `yyyy-MM-dd'T'HH:mm:ss` (the zone of the engine: UTC here). */
function toDate(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(value);
    return match ? new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!)).toISOString() : undefined;
  }
  return undefined;
}

/** A clause's value as its `typeRef` wants it; null stays an untyped null whatever the type. */
export function transform(value: unknown, typeRef: string | null): DecisionValue {
  if (value === null || value === undefined) return untyped(null);
  const type = typeRef?.toLowerCase();
  switch (type) {
    case 'string':
      return { type: 'String', value: value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value) };
    case 'boolean': {
      if (typeof value === 'boolean') return { type: 'Boolean', value };
      const text = typeof value === 'string' ? value.toLowerCase() : undefined;
      if (text === 'true' || text === 'false') return { type: 'Boolean', value: text === 'true' };
      throw invalid(value, typeRef!);
    }
    case 'integer': {
      const number = whole(value, INT_MIN, INT_MAX);
      if (number === undefined) throw invalid(value, typeRef!);
      return { type: 'Integer', value: number };
    }
    case 'long': {
      const number = whole(value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      if (number === undefined) throw invalid(value, typeRef!);
      return { type: 'Long', value: number };
    }
    case 'double': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (Number.isNaN(number)) throw invalid(value, typeRef!);
      return { type: 'Double', value: number };
    }
    case 'date': {
      const iso = toDate(value);
      if (iso === undefined) throw invalid(value, typeRef!);
      return { type: 'Date', value: iso };
    }
    default:
      return untyped(value);
  }
}

/** What expressions see of a variable: its value, dates as JS dates (FEEL compares them as date-times). */
export function plainValue(typed: TypedInput): unknown {
  if (typed.type === 'Date' && typeof typed.value === 'string') return new Date(typed.value);
  return typed.value;
}
