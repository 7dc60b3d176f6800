// The one table of isorun error codes, and the problem+json responses (RFC 9457) built from it.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { THROWN_TEXT_MAX } from './runtime/protocol';

export const ERRORS = {
  INVALID_REQUEST: { status: 400, title: 'The request is not valid' },
  COMPILE_ERROR: { status: 400, title: 'The code does not compile' },
  NOT_FOUND: { status: 404, title: 'No such route' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request did not arrive in time' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be JSON' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  FUNCTION_ERROR: { status: 422, title: 'The function threw' },
  TIMEOUT: { status: 422, title: 'The invocation ran past its deadline' },
  MEMORY_LIMIT: { status: 422, title: 'The invocation hit its memory limit' },
  RESULT_INVALID: { status: 422, title: 'The result is not JSON-serializable' },
  RESULT_TOO_LARGE: { status: 422, title: 'The result is too large' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error in isorun' },
  OVERLOADED: { status: 503, title: 'The server is at capacity' },
  SHUTTING_DOWN: { status: 503, title: 'The server is shutting down' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Stable URI naming a problem type (RFC 9457 `type`). */
export const problemType = (code: ErrorCode): string => `urn:isorun:problem:${code}`;

export interface ProblemBody extends Record<string, unknown> {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
}

/**
 * Longest text of one problem member (`detail`, a thrown value's `name`, `message`, `stack`): much of
 * it comes from guests and their code, which may make it as long as they like.
 */
export const PROBLEM_TEXT_MAX = THROWN_TEXT_MAX;

/** At most `max` characters and an ellipsis, not ending in half a surrogate pair; reads nothing past the cut. */
export function clipText(text: string, max = PROBLEM_TEXT_MAX): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return `${text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)}…`;
}

/** An error that becomes one problem+json response; `fields` are the per-code members. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  readonly status: number;
  readonly detail: string;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly fields: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    const clipped = clipText(detail);
    super(`${code}: ${clipped}`);
    this.detail = clipped;
    this.status = ERRORS[code].status;
  }

  body(): ProblemBody {
    const { title, status } = ERRORS[this.code];
    return { type: problemType(this.code), title, status, code: this.code, detail: this.detail, ...this.fields };
  }
}

export function sendProblem(reply: FastifyReply, problem: ProblemError): FastifyReply {
  return reply.code(problem.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(problem.body());
}

/** Names the offending field of a schema error: `/timeoutMs must be <= 30000`. */
/** RFC 6901: `~` and `/` in a property name are escaped in a JSON pointer. */
const jsonPointerToken = (name: string): string => name.replace(/~/g, '~0').replace(/\//g, '~1');

function describeValidation(error: FastifyError): { field: string; detail: string } {
  const first = error.validation?.[0];
  if (first === undefined) return { field: '', detail: error.message };
  const { missingProperty: missing, additionalProperty: extra } = first.params as {
    missingProperty?: string;
    additionalProperty?: string;
  };
  // `field` points at the offending property itself: the missing one, or the unknown one.
  const named = missing ?? extra;
  const field = named === undefined ? first.instancePath : `${first.instancePath}/${jsonPointerToken(named)}`;
  const where = first.instancePath === '' ? 'The body' : first.instancePath;
  const message =
    extra !== undefined
      ? `has an unknown property ${extra}`
      : missing !== undefined
        ? `must have property ${missing}`
        : first.message;
  return { field, detail: `${where} ${message ?? 'is invalid'}` };
}

const tooLarge = (limitBytes: number): ProblemError =>
  new ProblemError('PAYLOAD_TOO_LARGE', `The request body is larger than ${limitBytes} bytes.`, { limitBytes });

/** Maps any error reaching Fastify to a problem+json response. */
export function toProblem(error: FastifyError | ProblemError | Error, bodyLimitBytes: number): ProblemError {
  if (error instanceof ProblemError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) {
    const { field, detail } = describeValidation(fastifyError);
    return new ProblemError('INVALID_REQUEST', detail, { field });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge(bodyLimitBytes);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ProblemError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    default:
  }
  const status = fastifyError.statusCode ?? 500;
  if (status === 413) return tooLarge(bodyLimitBytes);
  if (status === 415) return new ProblemError('UNSUPPORTED_MEDIA_TYPE', fastifyError.message);
  if (status >= 400 && status < 500) return new ProblemError('INVALID_REQUEST', fastifyError.message, { field: '' });
  return new ProblemError('INTERNAL_ERROR', 'isorun failed to handle this request; the error is in its log.');
}

export function createErrorHandler(bodyLimitBytes: number) {
  return function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const problem = toProblem(error, bodyLimitBytes);
    if (problem.code === 'INTERNAL_ERROR') request.log.error({ err: error }, 'request failed inside isorun');
    return sendProblem(reply, problem);
  };
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (malformed, headers too large or too
 * slow): the same problem+json as every other error, written to the socket, which then closes.
 */
export function clientErrorProblem(error: NodeJS.ErrnoException): ProblemError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ProblemError('HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts (16 KB).');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ProblemError('REQUEST_TIMEOUT', 'The request (headers and body) did not arrive in time.');
    default:
      return new ProblemError('INVALID_REQUEST', `The request is not valid HTTP (${error.code ?? 'parse error'}).`, {
        field: '',
      });
  }
}

export function writeClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  writeSocketProblem(socket, clientErrorProblem(error));
}

/** A problem+json response written straight to a socket no HTTP response object owns; the connection then closes. */
export function writeSocketProblem(socket: Duplex, problem: ProblemError): void {
  const body = JSON.stringify(problem.body());
  socket.end(
    `HTTP/1.1 ${problem.status} ${ERRORS[problem.code].title}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A problem+json response for a request Node answers itself, before Fastify (an unknown `Expect`); the connection then closes. */
export function writeResponseProblem(response: ServerResponse, problem: ProblemError): void {
  const body = JSON.stringify(problem.body());
  response
    .writeHead(problem.status, {
      ...problem.headers,
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    })
    .end(body);
}

/** The start of a request-supplied value quoted in a problem's detail. */
export const quoted = (value: string): string => JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    new ProblemError('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}.`),
  );
}
