import type { Route } from '../router.ts';
import { batchRoutes } from './batch.ts';
import { deploymentRoutes } from './deployment.ts';
import { engineInfoRoutes } from './engine-info.ts';
import { externalTaskRoutes } from './external-task.ts';
import { historyRoutes } from './history.ts';
import { authorizationRoutes } from './authorization.ts';
import { identityRoutes } from './identity.ts';
import { jobRoutes } from './job.ts';
import { messageRoutes } from './message.ts';
import { modificationRoutes } from './modification.ts';
import { processDefinitionRoutes } from './process-definition.ts';
import { processInstanceRoutes } from './process-instance.ts';
import { signalRoutes } from './signal.ts';
import { conditionRoutes } from './condition.ts';
import { taskRoutes } from './task.ts';
import { resourceOptionRoutes } from './resource-options.ts';
import { eventSubscriptionRoutes } from './event-subscription.ts';
import { executionRoutes } from './execution.ts';
import { variableInstanceRoutes } from './variable-instance.ts';
import { formRoutes } from './forms.ts';
import { noteRoutes } from './notes.ts';
import { schemaLogRoutes } from './schema-log.ts';
import { suspensionRoutes } from './suspension.ts';
import { definitionDeletionRoutes } from './definition-deletion.ts';
import { activityHistoryRoutes } from './activity-history.ts';
import { decisionHistoryRoutes } from './decision-history.ts';
import { taskHistoryRoutes } from './task-history.ts';
import { variableHistoryRoutes } from './variable-history.ts';
import { jobLogRoutes } from './job-log.ts';
import { userOperationLogRoutes } from './user-operation-log.ts';
import { incidentHistoryRoutes } from './incident-history.ts';
import { identityLinkLogRoutes } from './identity-link-log.ts';
import { externalTaskLogRoutes } from './external-task-log.ts';
import { batchProgressPageRoutes } from './batch-progress-page.ts';
import { restartRoutes } from './restart.ts';
import { variableDetailRoutes } from './variable-details.ts';
import { bulkDeletionRoutes } from './bulk-deletion.ts';
import { instanceBatchRoutes } from './instance-batches.ts';
import { decisionDefinitionRoutes } from './decision-definition.ts';
import { decisionRequirementsRoutes } from './decision-requirements.ts';
import { openApiRoutes } from './openapi.ts';
import { metricsRoutes } from './metrics.ts';

/** Every route of the API (the router matches literal segments before `{id}` parameters, whatever the order). */
export const allRoutes: Route[] = [
  ...engineInfoRoutes,
  ...deploymentRoutes,
  ...processDefinitionRoutes,
  ...modificationRoutes,
  ...processInstanceRoutes,
  ...taskRoutes,
  ...externalTaskRoutes,
  ...messageRoutes,
  ...signalRoutes,
  ...conditionRoutes,
  ...jobRoutes,
  ...historyRoutes,
  ...batchRoutes,
  ...identityRoutes,
  ...authorizationRoutes,
  ...resourceOptionRoutes,
  ...eventSubscriptionRoutes,
  ...executionRoutes,
  ...variableInstanceRoutes,
  ...formRoutes,
  ...noteRoutes,
  ...schemaLogRoutes,
  ...suspensionRoutes,
  ...definitionDeletionRoutes,
  ...activityHistoryRoutes,
  ...decisionHistoryRoutes,
  ...taskHistoryRoutes,
  ...variableHistoryRoutes,
  ...jobLogRoutes,
  ...userOperationLogRoutes,
  ...incidentHistoryRoutes,
  ...identityLinkLogRoutes,
  ...externalTaskLogRoutes,
  ...batchProgressPageRoutes,
  ...restartRoutes,
  ...variableDetailRoutes,
  ...bulkDeletionRoutes,
  ...instanceBatchRoutes,
  ...decisionDefinitionRoutes,
  ...decisionRequirementsRoutes,
  ...openApiRoutes,
  ...metricsRoutes,
];
