// The peers' shared Fastify app: `POST /run {code, args}` validated, answered by `execute`.
import Fastify from 'fastify';

const RUN_BODY = {
  type: 'object',
  required: ['code'],
  properties: {
    code: { type: 'string', maxLength: 65536 },
    args: { type: 'array', maxItems: 64 },
  },
};

/** Serves `execute({ code, args })` → `{ result }` on 127.0.0.1:$BENCH_PORT until SIGTERM. */
export async function serve(execute, { onClose } = {}) {
  const app = Fastify({ logger: false });
  app.post('/run', { schema: { body: RUN_BODY } }, async (request, reply) => {
    try {
      return { result: await execute(request.body.code, request.body.args ?? []) };
    } catch (error) {
      reply.code(400).type('application/problem+json');
      return { type: 'about:blank', title: 'Function failed', status: 400, detail: String(error?.message ?? error) };
    }
  });
  if (onClose) app.addHook('onClose', onClose);
  await app.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT ?? 8081) });
  process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
}
