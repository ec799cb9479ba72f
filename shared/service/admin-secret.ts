import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { IdentityRepository } from '../store/identity-repository.ts';
import { ensureAdministrator } from './bootstrap-admin.ts';
import type { EngineConfig } from './config.ts';

/**
 * With authentication on in AWS, the first administrator comes from the stack's Secrets Manager
 * secret `{"username","password"}`; without a configured secret nothing happens.
 */
export async function ensureAdministratorFromSecret(config: EngineConfig, identities: IdentityRepository): Promise<void> {
  if (config.authMode !== 'basic' || !config.adminSecretArn) return;
  const secrets = new SecretsManagerClient({ region: config.region, endpoint: config.endpoint });
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: config.adminSecretArn }));
  const { username, password } = JSON.parse(secret.SecretString ?? '{}') as { username?: string; password?: string };
  if (!username || !password) throw new Error('The administrator secret must hold {"username", "password"}');
  await ensureAdministrator(identities, username, password);
}
