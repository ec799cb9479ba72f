import { json } from '../http.ts';
import type { Route } from '../router.ts';

/** The Camunda version this API mirrors (clients check it to pick features). */
export const CAMUNDA_API_VERSION = '7.24.0';

export const engineInfoRoutes: Route[] = [
  { method: 'GET', pattern: '/version', handler: async () => json(200, { version: CAMUNDA_API_VERSION }) },
  { method: 'GET', pattern: '/engine', handler: async () => json(200, [{ name: 'default' }]) },
];
