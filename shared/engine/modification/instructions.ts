import type { TypedValue } from '../state.ts';

/** A variable attached to a start instruction; `local` picks setVariableLocal over setVariable. */
export interface InstructionVariable {
  value: TypedValue;
  local: boolean;
}

export type InstructionVariables = Record<string, InstructionVariable>;

interface StartInstructionBase {
  ancestorActivityInstanceId?: string;
  variables?: InstructionVariables;
}

export type ModificationInstruction =
  | ({ type: 'startBeforeActivity'; activityId: string } & StartInstructionBase)
  | ({ type: 'startAfterActivity'; activityId: string } & StartInstructionBase)
  | ({ type: 'startTransition'; transitionId: string } & StartInstructionBase)
  | { type: 'cancel'; activityId: string; cancelCurrentActiveActivityInstances?: boolean }
  | { type: 'cancel'; activityInstanceId: string }
  | { type: 'cancel'; transitionInstanceId: string };

export interface ModificationRequest {
  instructions: readonly ModificationInstruction[];
  skipCustomListeners?: boolean;
  skipIoMappings?: boolean;
  /**
   * True for Camunda's per-instance REST endpoints: an instance the modification empties ends as
   * EXTERNALLY_TERMINATED; batch executions leave it false (INTERNALLY_TERMINATED).
   */
  externallyTerminated?: boolean;
}

/** Camunda's wording for an instruction in error messages, e.g. `Start before activity 'x'`. */
export function describeInstruction(instruction: ModificationInstruction): string {
  switch (instruction.type) {
    case 'startBeforeActivity':
      return `Start before activity '${instruction.activityId}'${ancestorSuffix(instruction)}`;
    case 'startAfterActivity':
      return `Start after activity '${instruction.activityId}'${ancestorSuffix(instruction)}`;
    case 'startTransition':
      return `Start transition '${instruction.transitionId}'${ancestorSuffix(instruction)}`;
    case 'cancel':
      if ('activityInstanceId' in instruction) return `Cancel activity instance '${instruction.activityInstanceId}'`;
      if ('transitionInstanceId' in instruction) return `Cancel transition instance '${instruction.transitionInstanceId}'`;
      return `Cancel all activity instances of '${instruction.activityId}'`;
  }
}

function ancestorSuffix(instruction: StartInstructionBase): string {
  return instruction.ancestorActivityInstanceId ? ` with ancestor activity instance '${instruction.ancestorActivityInstanceId}'` : '';
}
