export * from './errors.ts';
export * from './model.ts';
export { parseBpmn } from './parse-bpmn.ts';
export * from './limits.ts';
