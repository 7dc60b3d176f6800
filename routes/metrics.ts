// GET /metrics: Prometheus text exposition of every metric in server/metrics.ts.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';

export interface MetricsRoutesOptions {
  /** The registry's content type and text. */
  scrape(): Promise<{ contentType: string; text: string }>;
}

export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { scrape }) => {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        response: { 200: Type.String({ examples: ['isorun_invocations_total{outcome="ok"} 42'] }) },
      },
    },
    async (_request, reply) => {
      const { contentType, text } = await scrape();
      return reply.type(contentType).send(text);
    },
  );
};
