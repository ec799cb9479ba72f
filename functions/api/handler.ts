import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ensureAdministrator } from '../../shared/service/bootstrap-admin.ts';
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

let lambdaHandler: Promise<ReturnType<typeof createApiHandler>> | undefined;

/** The first administrator comes from the stack's Secrets Manager secret. */
async function coldStart() {
  const config = configFromEnvironment();
  const services = createServices(config);
  if (config.authMode === 'basic' && config.adminSecretArn) {
    const secrets = new SecretsManagerClient({ region: config.region, endpoint: config.endpoint });
    const secret = await secrets.send(new GetSecretValueCommand({ SecretId: config.adminSecretArn }));
    const { username, password } = JSON.parse(secret.SecretString ?? '{}') as { username?: string; password?: string };
    if (!username || !password) throw new Error('The administrator secret must hold {"username", "password"}');
    await ensureAdministrator(services.identities, username, password);
  }
  return createApiHandler(services);
}

/** Lambda entry point; services are built once per container from validated configuration. */
export const handler = async (event: APIGatewayProxyEvent) => {
  lambdaHandler ??= coldStart();
  lambdaHandler.catch(() => {
    lambdaHandler = undefined;
  });
  return (await lambdaHandler)(event);
};
