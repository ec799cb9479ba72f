import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { toProxyResult, toRestRequest } from '../../shared/rest/api-gateway.ts';
import { Router } from '../../shared/rest/router.ts';
import { allRoutes } from '../../shared/rest/routes/index.ts';
import { configFromEnvironment } from '../../shared/service/config.ts';
import { createEngineService } from '../../shared/service/compose.ts';
import type { EngineService } from '../../shared/service/engine-service.ts';

/** The API Lambda: API Gateway event → route → Camunda response. Everything else lives in shared/. */
export function createApiHandler(service: EngineService) {
  const router = new Router(allRoutes);
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => toProxyResult(await router.handle(toRestRequest(event), service));
}

let lambdaHandler: ReturnType<typeof createApiHandler> | undefined;

/** Lambda entry point; the service is built once per container from validated configuration. */
export const handler = (event: APIGatewayProxyEvent) => {
  lambdaHandler ??= createApiHandler(createEngineService(configFromEnvironment()));
  return lambdaHandler(event);
};
