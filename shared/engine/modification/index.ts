export * from './instructions.ts';
export { definitionMismatch, instanceCannotBeModified, modifyProcessInstance } from './modify.ts';
export { type InstantiationRequest, type StartInstruction, startProcessInstanceAt } from './instantiate.ts';
