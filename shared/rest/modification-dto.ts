import * as z from 'zod/v4';
import type { ModificationInstruction, InstructionVariables } from '../engine/modification/instructions.ts';
import { invalidRequest } from './errors.ts';
import { fromVariableDto, ownRecord, VariableValueDto } from './variables.ts';

const TriggerVariableValueDto = VariableValueDto.extend({ local: z.boolean().nullish() });

/** One instruction as received; which fields matter depends on `type` (others are ignored, as in Camunda). */
export const InstructionDto = z
  .object({
    type: z.unknown().optional(),
    activityId: z.string().nullish(),
    transitionId: z.string().nullish(),
    activityInstanceId: z.string().nullish(),
    transitionInstanceId: z.string().nullish(),
    ancestorActivityInstanceId: z.string().nullish(),
    variables: ownRecord(TriggerVariableValueDto).nullish(),
    cancelCurrentActiveActivityInstances: z.boolean().nullish(),
  })
  .passthrough();
export type InstructionDto = z.infer<typeof InstructionDto>;

export const ModificationBody = z
  .object({
    skipCustomListeners: z.boolean().nullish(),
    skipIoMappings: z.boolean().nullish(),
    instructions: z.array(InstructionDto).nullish(),
    annotation: z.string().nullish(),
    /** An extension of the asynchronous forms (docs/api.md): instances that ended meanwhile are skipped. */
    skipEndedInstances: z.boolean().nullish(),
    /** An extension of the asynchronous forms (docs/api.md): the batch's rate limit. */
    maxInstancesPerSecond: z.number().nullish(),
  })
  .passthrough();
export type ModificationBody = z.infer<typeof ModificationBody>;

const TYPES = ['cancel', 'startBeforeActivity', 'startAfterActivity', 'startTransition'];

function convertVariables(dto: InstructionDto): InstructionVariables | undefined {
  if (!dto.variables) return undefined;
  return Object.fromEntries(Object.entries(dto.variables).map(([name, value]) => [name, { value: fromVariableDto(value), local: value.local === true }]));
}

/**
 * Validates instructions in array order exactly as Camunda's DTOs do (reference §1.5): the first
 * invalid one answers 400 with `For instruction type '<type>': ...`; a missing or unknown type is the
 * empty-message 400 Jackson produces.
 */
export function toInstructions(dtos: readonly InstructionDto[]): ModificationInstruction[] {
  // Jackson rejects an unknown subtype while reading the body, before any instruction is validated.
  if (dtos.some((dto) => typeof dto.type !== 'string' || !TYPES.includes(dto.type))) throw invalidRequest('');
  return dtos.map((dto) => {
    const type = dto.type as string;
    const missing = (field: string) => invalidRequest(`For instruction type '${type}': '${field}' must be set`);
    const ancestor = dto.ancestorActivityInstanceId ?? undefined;
    switch (type) {
      case 'startBeforeActivity':
      case 'startAfterActivity':
        if (!dto.activityId) throw missing('activityId');
        return { type, activityId: dto.activityId, ancestorActivityInstanceId: ancestor, variables: convertVariables(dto) };
      case 'startTransition':
        if (!dto.transitionId) throw missing('transitionId');
        return { type, transitionId: dto.transitionId, ancestorActivityInstanceId: ancestor, variables: convertVariables(dto) };
      default: {
        const given = [dto.activityId, dto.activityInstanceId, dto.transitionInstanceId].filter((v) => v !== undefined && v !== null);
        if (given.length !== 1) {
          throw invalidRequest(`For instruction type 'cancel': exactly one, 'activityId', 'activityInstanceId', or 'transitionInstanceId', is required`);
        }
        if (dto.activityInstanceId) return { type: 'cancel', activityInstanceId: dto.activityInstanceId };
        if (dto.transitionInstanceId) return { type: 'cancel', transitionInstanceId: dto.transitionInstanceId };
        return { type: 'cancel', activityId: dto.activityId!, cancelCurrentActiveActivityInstances: dto.cancelCurrentActiveActivityInstances ?? false };
      }
    }
  });
}

/** The multi-instance builder (§1.8) has no variables, no ancestors and cancels only by activity id. */
export function toMultipleInstructions(dtos: readonly InstructionDto[]): ModificationInstruction[] {
  return dtos.map((dto) => {
    if (dto.type === 'cancel' && !dto.activityId) throw invalidRequest(`For instruction type 'cancel': 'activityId' must be set`);
    const [instruction] = toInstructions([{ ...dto, variables: undefined, ancestorActivityInstanceId: undefined, activityInstanceId: undefined, transitionInstanceId: undefined }]);
    return instruction!;
  });
}
