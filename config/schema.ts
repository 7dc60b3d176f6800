// Every isorun setting, in one TypeBox schema: type, default, allowed range and description.
// The loader, `--help` and the docs are generated from this table; nothing else defines a setting.
import { Type, type Static } from '@sinclair/typebox';

const MiB = 1024 * 1024;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const ConfigSchema = Type.Object(
  {
    host: Type.String({
      default: '127.0.0.1',
      minLength: 1,
      description: 'Address the HTTP server listens on.',
    }),
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, description: 'TCP port (0 picks a free port).' }),
    bodyLimitBytes: Type.Integer({
      default: 1 * MiB,
      minimum: 1024,
      maximum: 64 * MiB,
      description: 'Largest request body accepted; larger bodies get 413 PAYLOAD_TOO_LARGE.',
    }),
    requestTimeoutMs: Type.Integer({
      default: 60_000,
      minimum: 1000,
      maximum: 3_600_000,
      description:
        'Time a client has to send a whole request (headers and body); a slower one gets 408 REQUEST_TIMEOUT and its connection closes.',
    }),
    argsMaxDepth: Type.Integer({
      default: 64,
      minimum: 1,
      maximum: 1000,
      description: 'Deepest nesting of arrays/objects accepted in `args`.',
    }),
    defaultTimeoutMs: Type.Integer({
      default: 1000,
      minimum: 1,
      maximum: 600_000,
      description: 'Wall-clock deadline of an invocation that names no `timeoutMs`.',
    }),
    maxTimeoutMs: Type.Integer({
      default: 30_000,
      minimum: 1,
      maximum: 600_000,
      description: 'Largest `timeoutMs` a request may ask for.',
    }),
    defaultMemoryMb: Type.Integer({
      default: 64,
      minimum: 8,
      maximum: 512,
      description: 'Memory cap (heap and ArrayBuffers) of an invocation that names no `memoryMb`.',
    }),
    maxMemoryMb: Type.Integer({
      default: 256,
      minimum: 8,
      maximum: 512,
      description: 'Largest `memoryMb` a request may ask for.',
    }),
    poolMinIsolates: Type.Integer({
      default: 2,
      minimum: 0,
      maximum: 256,
      description: 'Isolates created at start (with the default memory cap) and kept warm.',
    }),
    poolMaxIsolates: Type.Integer({
      default: 32,
      minimum: 1,
      maximum: 256,
      description: 'Most isolates alive at once; further invocations wait in the queue.',
    }),
    maxUsesPerIsolate: Type.Integer({
      default: 1000,
      minimum: 1,
      maximum: 1_000_000,
      description:
        'Invocations after which an isolate is disposed and replaced (each isolate draws its own limit between 75% and 100% of this, so that isolates do not wear out together).',
    }),
    recycleHeapPercent: Type.Integer({
      default: 70,
      minimum: 10,
      maximum: 100,
      description: 'Heap use, in percent of the isolate memory cap, past which an isolate is replaced after a run.',
    }),
    queueMaxLength: Type.Integer({
      default: 256,
      minimum: 0,
      maximum: 100_000,
      description: 'Invocations that may wait for an isolate; more get 503 OVERLOADED.',
    }),
    queueMaxWaitMs: Type.Integer({
      default: 2000,
      minimum: 1,
      maximum: 600_000,
      description: 'Longest wait for an isolate before 503 OVERLOADED.',
    }),
    logMaxEntries: Type.Integer({
      default: 100,
      minimum: 0,
      maximum: 100_000,
      description: 'console.* calls kept per invocation; later ones are dropped and `logsTruncated` is set.',
    }),
    logMaxBytes: Type.Integer({
      default: 64 * 1024,
      minimum: 0,
      maximum: 16 * MiB,
      description: 'Bytes (UTF-16 code units) of log messages kept per invocation.',
    }),
    resultMaxBytes: Type.Integer({
      default: 1 * MiB,
      minimum: 16,
      maximum: 64 * MiB,
      description: 'Largest result, as JSON text; larger gets 422 RESULT_TOO_LARGE.',
    }),
    gracePeriodMs: Type.Integer({
      default: 10_000,
      minimum: 0,
      maximum: 600_000,
      description: 'On SIGTERM/SIGINT, how long in-flight invocations may take before the process exits anyway.',
    }),
    logLevel: Type.Union(
      LOG_LEVELS.map((level) => Type.Literal(level)),
      { default: 'info', description: 'pino log level.' },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type SettingName = keyof Config;

/** Settings that must not exceed another setting: [smaller, larger]. */
export const ORDERED_SETTINGS: ReadonlyArray<readonly [SettingName, SettingName]> = [
  ['defaultTimeoutMs', 'maxTimeoutMs'],
  ['defaultMemoryMb', 'maxMemoryMb'],
  ['poolMinIsolates', 'poolMaxIsolates'],
];

/** `maxTimeoutMs` → `ISORUN_MAX_TIMEOUT_MS`. */
export function envName(setting: string): string {
  return `ISORUN_${setting.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}
