import * as z from 'zod/v4';
import { json, noContent } from '../http.ts';
import { readBody, type Route, route } from '../router.ts';

const TelemetryConfiguration = z.object({ enableTelemetry: z.boolean().nullish() });

/** The Camunda version this API mirrors (clients check it to pick features). */
export const CAMUNDA_API_VERSION = '7.24.0';

export const engineInfoRoutes: Route[] = [
  route({ method: 'GET', pattern: '/version', handler: async () => json(200, { version: CAMUNDA_API_VERSION }) }),
  route({ method: 'GET', pattern: '/engine', handler: async () => json(200, [{ name: 'default' }]) }),
  // Camunda 7.24 removed sending telemetry: it reports it off and takes a new setting without effect
  // (IsTelemetryEnabledCmd, TelemetryConfigureCmd). So does this product, which sends none.
  route({ method: 'GET', pattern: '/telemetry/configuration', handler: async () => json(200, { enableTelemetry: false }) }),
  route({
    method: 'POST',
    pattern: '/telemetry/configuration',
    handler: async (ctx) => {
      readBody(ctx.req, TelemetryConfiguration);
      return noContent();
    },
  }),
];
