import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { toProxyResult, toRestRequest } from '../../shared/rest/api-gateway.ts';
import { Router, type Services } from '../../shared/rest/router.ts';
import { allRoutes } from '../../shared/rest/routes/index.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createServices } from '../../shared/service/compose.ts';

/** The API Lambda: API Gateway event → route → Camunda response. Everything else lives in shared/. */
export function createApiHandler(services: Services) {
  const router = new Router(allRoutes);
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => toProxyResult(await router.handle(toRestRequest(event), services));
}

let lambdaHandler: ReturnType<typeof createApiHandler> | undefined;

/** Lambda entry point; services are built once per container from validated configuration. */
export const handler = (event: APIGatewayProxyEvent) => {
  lambdaHandler ??= createApiHandler(createServices(configFromEnvironment()));
  return lambdaHandler(event);
};
