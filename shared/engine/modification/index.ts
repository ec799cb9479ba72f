export * from './instructions.ts';
export { definitionMismatch, instanceCannotBeModified, modifyProcessInstance } from './modify.ts';
