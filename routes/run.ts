// POST /run: runs `code` with `args` in a fresh context of a pooled isolate.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config/schema';
import type { Invoker, InvocationSuccess } from '../server/invoker';
import { LOG_LEVELS } from '../server/runtime/protocol';
import { ProblemSchema } from './problem-schema';

export interface RunRoutesOptions {
  invoker: Invoker;
  config: Config;
}

const LogEntrySchema = Type.Object({
  level: Type.Union(LOG_LEVELS.map((level) => Type.Literal(level))),
  message: Type.String(),
});

const StatsSchema = Type.Object({
  wallMs: Type.Number({ description: 'Time in the isolate: compile, run, awaited promises and timers.' }),
  cpuMs: Type.Number({ description: 'CPU time spent running guest code.' }),
  queueMs: Type.Number({ description: 'Time spent waiting for an isolate.' }),
  heapUsedBytes: Type.Integer({ description: "The isolate's V8 heap in use after the invocation." }),
  isolate: Type.Union([Type.Literal('warm'), Type.Literal('cold')]),
});

const RunResponseSchema = Type.Object(
  {
    result: Type.Optional(
      Type.Unknown({ description: 'The JSON result; absent when the function returned undefined.' }),
    ),
    logs: Type.Array(LogEntrySchema),
    logsTruncated: Type.Optional(Type.Literal(true)),
    stats: StatsSchema,
  },
  {
    examples: [
      {
        result: 3,
        logs: [{ level: 'log', message: 'adding 1 and 2' }],
        stats: { wallMs: 0.41, cpuMs: 0.05, queueMs: 0.01, heapUsedBytes: 1843200, isolate: 'warm' },
      },
    ],
  },
);

/** The 200 body, assembled around the result's JSON text so the host never re-serializes guest data. */
export function renderRunResponse(outcome: InvocationSuccess): string {
  const result = outcome.resultJson === undefined ? '' : `"result":${outcome.resultJson},`;
  const truncated = outcome.logsTruncated ? '"logsTruncated":true,' : '';
  return `{${result}"logs":${JSON.stringify(outcome.logs)},${truncated}"stats":${JSON.stringify(outcome.stats)}}`;
}

export const runRoutes: FastifyPluginAsync<RunRoutesOptions> = async (app, { invoker, config }) => {
  const RunRequestSchema = Type.Object(
    {
      code: Type.String({
        minLength: 1,
        description: 'An expression evaluating to a function or a value, or an ES module with `export default`.',
      }),
      args: Type.Optional(Type.Array(Type.Unknown(), { description: 'Arguments of the call (JSON values).' })),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: config.maxTimeoutMs })),
      memoryMb: Type.Optional(Type.Integer({ minimum: 8, maximum: config.maxMemoryMb })),
    },
    { additionalProperties: false, examples: [{ code: '(a, b) => a + b', args: [1, 2] }] },
  );

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/run',
    {
      schema: {
        summary: 'Run a function',
        body: RunRequestSchema,
        response: {
          200: RunResponseSchema,
          400: ProblemSchema,
          // Written by the HTTP layer before the route runs (server/errors.ts, writeClientError).
          408: ProblemSchema,
          413: ProblemSchema,
          415: ProblemSchema,
          422: ProblemSchema,
          431: ProblemSchema,
          500: ProblemSchema,
          503: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const outcome = await invoker.invoke({
        code: request.body.code,
        args: request.body.args ?? [],
        timeoutMs: request.body.timeoutMs ?? config.defaultTimeoutMs,
        memoryMb: request.body.memoryMb ?? config.defaultMemoryMb,
      });
      // A string body is sent as is: the response schema documents it, the result JSON is never re-serialized.
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(renderRunResponse(outcome));
    },
  );
};
