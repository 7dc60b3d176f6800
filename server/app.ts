// The app factory: Fastify with the config's limits, problem+json errors, metrics, the pool and every route.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Config } from '../config/schema';
import { healthRoutes } from '../routes/health';
import { metricsRoutes } from '../routes/metrics';
import { openApiRoutes } from '../routes/openapi';
import { runRoutes } from '../routes/run';
import {
  createErrorHandler,
  notFoundHandler,
  ProblemError,
  quoted,
  sendProblem,
  toProblem,
  writeClientError,
  writeResponseProblem,
  writeSocketProblem,
} from './errors';
import { Invoker } from './invoker';
import { Metrics } from './metrics';
import { IsolatePool } from './pool';
import { readGuestRuntime } from './runtime/bundle';

/** A route as served: checked against openapi.yaml by the tests, listed in the start-up log. */
export interface ServedRoute {
  method: string;
  url: string;
  statuses: string[];
}

export interface IsorunApp {
  app: FastifyInstance;
  pool: IsolatePool;
  metrics: Metrics;
  routes: ServedRoute[];
}

const CLIENT_REQUEST_ID = /^[\w.:-]{1,64}$/;

export async function buildApp(config: Config): Promise<IsorunApp> {
  let requestCounter = 0;
  const app = Fastify({
    logger: { level: config.logLevel },
    // One access-log line per request (the onResponse hook below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Reject wrong types and unknown fields instead of coercing or silently dropping them.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true } },
    // `__proto__` and `constructor.prototype` keys are valid JSON: JSON.parse makes them own data
    // properties, nothing on the host merges request objects, and the guest gets `args` as JSON text.
    // Fastify refused such bodies as "not valid JSON" (a webhook payload with such a key could not be
    // passed on); a top-level one is now an unknown field like any other.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    requestIdHeader: false,
    genReqId: (request) => {
      const fromClient = request.headers['x-request-id'];
      return typeof fromClient === 'string' && CLIENT_REQUEST_ID.test(fromClient)
        ? fromClient
        : `req-${(++requestCounter).toString(36)}`;
    },
    // Requests arriving while closing get problem+json from the hook below, not Fastify's plain 503.
    return503OnClosing: false,
    // Errors before routing (a malformed URL) and those of Node's HTTP parser are problem+json too.
    frameworkErrors: (error, request, reply) =>
      sendProblem(reply.header('x-request-id', request.id), toProblem(error, config.bodyLimitBytes)),
    clientErrorHandler: writeClientError,
    // A client that sends its body a byte at a time (or stops halfway) held its connection for good:
    // Fastify turns Node's request timeout off by default, and Node applies it only when it is at
    // least the headers timeout. Node looks for late requests every 30 s by default: every second.
    requestTimeout: config.requestTimeoutMs,
    // An HTTP/1.1 request without Host got Node's own 400 with an empty body: the hook below answers it.
    http: {
      connectionsCheckingInterval: 1000,
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      requireHostHeader: false,
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Requests Node answers before Fastify sees them, with an empty 417 or no answer at all, unless asked.
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const expectation = quoted(String(request.headers.expect));
    writeResponseProblem(
      response,
      new ProblemError('INVALID_REQUEST', `Expect: ${expectation} is not supported (only 100-continue is).`, {
        field: '',
      }),
    );
  });
  app.server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    writeSocketProblem(socket, new ProblemError('NOT_FOUND', `No route for CONNECT ${quoted(request.url ?? '')}.`));
  });

  const metrics = new Metrics();
  const pool = new IsolatePool(
    {
      minIsolates: config.poolMinIsolates,
      maxIsolates: config.poolMaxIsolates,
      maxUsesPerIsolate: config.maxUsesPerIsolate,
      recycleHeapPercent: config.recycleHeapPercent,
      queueMaxLength: config.queueMaxLength,
      queueMaxWaitMs: config.queueMaxWaitMs,
      defaultMemoryMb: config.defaultMemoryMb,
      guestLimits: {
        logMaxEntries: config.logMaxEntries,
        logMaxBytes: config.logMaxBytes,
        resultMaxBytes: config.resultMaxBytes,
      },
      runtimeSource: readGuestRuntime(),
    },
    metrics,
  );
  metrics.attachPool(pool);
  const invoker = new Invoker(pool, config, metrics);
  let closing = false;

  const routes: ServedRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, statuses: Object.keys(route.schema?.response ?? {}) });
    }
  });
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(createErrorHandler(config.bodyLimitBytes));
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) {
      reply.header('connection', 'close');
      return sendProblem(
        reply,
        new ProblemError('SHUTTING_DOWN', 'The server is shutting down.', {}, { 'retry-after': '1' }),
      );
    }
    // RFC 9112: a server must answer 400 to an HTTP/1.1 request without Host.
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      return sendProblem(
        reply,
        new ProblemError('INVALID_REQUEST', 'An HTTP/1.1 request must have a Host header.', { field: '' }),
      );
    }
    // A compressed body is not JSON as sent: without this it read as malformed JSON (400).
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return sendProblem(
        reply,
        new ProblemError(
          'UNSUPPORTED_MEDIA_TYPE',
          `Content-Encoding ${quoted(encoding)} is not supported: send the body uncompressed.`,
        ),
      );
    }
    return undefined;
  });
  // While closing, every response ends its connection: keep-alive sockets would hold `close()` open.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    request.log.info(
      { method: request.method, url: request.url, statusCode: reply.statusCode, responseTimeMs: reply.elapsedTime },
      'request completed',
    );
  });
  app.addHook('onReady', async () => {
    await pool.warmUp();
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  // onClose runs after in-flight requests finished: nothing is busy, every isolate is disposed.
  app.addHook('onClose', async () => {
    pool.close({ force: true });
  });

  await app.register(runRoutes, { invoker, config });
  await app.register(healthRoutes, { isReady: () => pool.ready && !closing });
  await app.register(metricsRoutes, {
    scrape: async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() }),
  });
  await app.register(openApiRoutes);
  return { app, pool, metrics, routes };
}
