// The problem+json response schema (RFC 9457) shared by every route's error statuses.
import { Type } from '@sinclair/typebox';
import { ERROR_CODES } from '../server/errors';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI naming the problem type: urn:isorun:problem:<code>.' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.Union(ERROR_CODES.map((code) => Type.Literal(code))),
    detail: Type.String(),
  },
  {
    additionalProperties: true,
    description: 'application/problem+json; members beyond these depend on `code` (see openapi.yaml).',
    examples: [
      {
        type: 'urn:isorun:problem:TIMEOUT',
        title: 'The invocation ran past its deadline',
        status: 422,
        code: 'TIMEOUT',
        detail: 'The invocation did not finish within 1000 ms.',
        timeoutMs: 1000,
        logs: [],
        logsTruncated: false,
      },
    ],
  },
);
