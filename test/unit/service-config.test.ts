import { describe, expect, it } from 'vitest';
import { DEFAULT_BPMN_LIMITS } from '../../shared/bpmn/limits.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';

const REQUIRED = { TABLE_NAME: 't', JOB_QUEUE_URL: 'j', BATCH_SEED_QUEUE_URL: 's', BATCH_EXECUTE_QUEUE_URL: 'e', BATCH_MONITOR_QUEUE_URL: 'm' };

describe('the limits on deployed models in the handler configuration', () => {
  it('defaults to the documented limits and takes each from its variable', () => {
    expect(configFromEnvironment(REQUIRED).bpmnLimits).toEqual(DEFAULT_BPMN_LIMITS);
    expect(configFromEnvironment({ ...REQUIRED, BPMN_MAX_ELEMENTS: '500', BPMN_MAX_SCOPE_DEPTH: '5', BPMN_MAX_EXPRESSION_LENGTH: '300' }).bpmnLimits).toEqual({
      maxElements: 500,
      maxScopeDepth: 5,
      maxExpressionLength: 300,
    });
  });

  it('refuses a limit that is not a positive integer, naming the variable', () => {
    expect(() => configFromEnvironment({ ...REQUIRED, BPMN_MAX_ELEMENTS: '0' })).toThrow('BPMN_MAX_ELEMENTS');
  });
});
