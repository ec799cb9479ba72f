import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { observed } from '../../shared/observability/lambda-handler.ts';
import { toProxyResult, toRestRequest } from '../../shared/rest/api-gateway.ts';
import { Router, type Services } from '../../shared/rest/router.ts';
import { allRoutes } from '../../shared/rest/routes/index.ts';
import { ensureAdministratorFromSecret } from '../../shared/service/admin-secret.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createServices } from '../../shared/service/compose.ts';
import { recordSchemaVersion } from '../../shared/service/schema-version.ts';

/** The API Lambda: API Gateway event → route → Camunda response. Everything else lives in shared/. */
export function createApiHandler(services: Services) {
  const router = new Router(allRoutes);
  return observed(
    async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => toProxyResult(await router.handle(toRestRequest(event), services)),
    () => services.engine.flushMetrics(),
  );
}

let lambdaHandler: Promise<ReturnType<typeof createApiHandler>> | undefined;

async function coldStart() {
  const config = configFromEnvironment();
  const services = createServices(config);
  await ensureAdministratorFromSecret(config, services.identities);
  await recordSchemaVersion(services.engine);
  return createApiHandler(services);
}

/** Lambda entry point; services are built once per container from validated configuration. */
export const handler = async (event: APIGatewayProxyEvent, context?: Context) => {
  lambdaHandler ??= coldStart();
  lambdaHandler.catch(() => {
    lambdaHandler = undefined;
  });
  return (await lambdaHandler)(event, context);
};
