export * from './instructions.ts';
export { instanceCannotBeModified, modifyProcessInstance } from './modify.ts';
