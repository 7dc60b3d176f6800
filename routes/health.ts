// GET /healthz (the process answers) and GET /readyz (the pool is warm and the server is not closing).
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';

export interface HealthRoutesOptions {
  isReady(): boolean;
}

const StatusSchema = (status: string) => Type.Object({ status: Type.String() }, { examples: [{ status }] });

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { isReady }) => {
  app.get('/healthz', { schema: { summary: 'Liveness', response: { 200: StatusSchema('ok') } } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness', response: { 200: StatusSchema('ready'), 503: StatusSchema('not ready') } } },
    async (_request, reply) => (isReady() ? { status: 'ready' } : reply.code(503).send({ status: 'not ready' })),
  );
};
