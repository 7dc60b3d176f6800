// GET /openapi.yaml: the HTTP contract, served as is.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';

const candidates = [
  path.join(__dirname, '..', 'openapi.yaml'), // routes/ (sources)
  path.join(__dirname, '..', '..', 'openapi.yaml'), // dist/routes/
];

export function readOpenApi(): string {
  const file = candidates.find((candidate) => fs.existsSync(candidate));
  if (file === undefined) throw new Error(`openapi.yaml not found (looked for ${candidates.join(', ')})`);
  return fs.readFileSync(file, 'utf8');
}

export const openApiRoutes: FastifyPluginAsync = async (app) => {
  const document = readOpenApi();
  app.get(
    '/openapi.yaml',
    { schema: { summary: 'The OpenAPI 3.1 contract', response: { 200: Type.String() } } },
    async (_request, reply) => reply.type('application/yaml; charset=utf-8').send(document),
  );
};
