import { json } from '../http.ts';
import { type Route, route } from '../router.ts';

/** The Camunda version this API mirrors (clients check it to pick features). */
export const CAMUNDA_API_VERSION = '7.24.0';

export const engineInfoRoutes: Route[] = [
  route({ method: 'GET', pattern: '/version', handler: async () => json(200, { version: CAMUNDA_API_VERSION }) }),
  route({ method: 'GET', pattern: '/engine', handler: async () => json(200, [{ name: 'default' }]) }),
];
