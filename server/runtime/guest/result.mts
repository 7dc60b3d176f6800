// Turns what the function returned or threw into the envelope parts: JSON text within the size limit,
// or the reason it is not JSON; and a thrown value into name/message/stack.
import type { Envelope, GuestThrown } from '../protocol.ts';
import { THROWN_TEXT_MAX } from '../protocol.ts';
import { prefixOf } from './console.mts';
import { formatValue } from './format.mts';
import { ArrayIsArray, JSONStringify, ObjectKeys, StringPrototypeCharCodeAt, TypeErrorCtor } from './primordials.mts';
import { cleanStack, readString } from './stack.mts';

type ResultPart =
  | { outcome: 'ok'; resultJson?: string }
  | { outcome: 'result-invalid'; detail: string }
  | { outcome: 'result-too-large'; bytes: number };

const describeKey = (key: string): string => (key === '' ? 'the result itself' : `key ${JSONStringify(key)}`);

function rejectNonJson(this: unknown, key: string, value: unknown): unknown {
  const type = typeof value;
  if (type === 'bigint' || type === 'function' || type === 'symbol') {
    throw new TypeErrorCtor(`${describeKey(key)} is a ${type}, which JSON cannot represent`);
  }
  return value;
}

/** UTF-8 length of a string, counting each surrogate pair as 4 bytes. */
/**
 * JSON text of the runtime's own records (the envelope, the logs): plain objects, arrays and primitives
 * it built itself. Unlike JSON.stringify it never looks at a prototype, so a `toJSON` or an iterator the
 * function put on Object.prototype or Array.prototype cannot reshape them (`Array.prototype.toJSON`
 * turned the logs into a number, and the host failed with a 500).
 */
export function recordJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSONStringify(value) ?? 'null';
  const record = value as Record<string, unknown>;
  let text: string;
  if (ArrayIsArray(value)) {
    text = '[';
    for (let index = 0; index < value.length; index++) text += (index > 0 ? ',' : '') + recordJson(record[index]);
    return `${text}]`;
  }
  const keys = ObjectKeys(value);
  text = '{';
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    if (record[key] === undefined) continue;
    text += (text.length > 1 ? ',' : '') + JSONStringify(key) + ':' + recordJson(record[key]);
  }
  return `${text}}`;
}

export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = StringPrototypeCharCodeAt(text, index);
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

export function serializeResult(value: unknown, resultMaxBytes: number): ResultPart {
  if (value === undefined) return { outcome: 'ok' };
  let json: string | undefined;
  try {
    json = JSONStringify(value, rejectNonJson);
  } catch (error) {
    return { outcome: 'result-invalid', detail: describeThrownBriefly(error) };
  }
  if (json === undefined) return { outcome: 'ok' };
  // Most results are far below the limit: count UTF-8 bytes only when the UTF-16 length leaves doubt.
  if (json.length * 3 > resultMaxBytes) {
    const bytes = json.length > resultMaxBytes ? json.length : utf8Length(json);
    if (bytes > resultMaxBytes) return { outcome: 'result-too-large', bytes };
  }
  return { outcome: 'ok', resultJson: json };
}

/** At most THROWN_TEXT_MAX characters, not ending in half a surrogate pair: a 40 MB message made a 120 MB response. */
function clip(text: string): string {
  return text.length <= THROWN_TEXT_MAX ? text : `${prefixOf(text, THROWN_TEXT_MAX)}…`;
}

export function describeThrown(thrown: unknown): GuestThrown {
  const { name, message, stack } = describeUnclipped(thrown);
  return { name: clip(name), message: clip(message), stack: clip(stack) };
}

function describeUnclipped(thrown: unknown): GuestThrown {
  if (typeof thrown === 'object' && thrown !== null) {
    const message = readString(thrown, 'message');
    let fallback = '';
    if (message === undefined) {
      try {
        fallback = formatValue(thrown);
      } catch {
        fallback = '[object]';
      }
    }
    return {
      name: readString(thrown, 'name') ?? 'Error',
      message: message ?? fallback,
      stack: cleanStack(readString(thrown, 'stack') ?? ''),
    };
  }
  return { name: 'Error', message: typeof thrown === 'string' ? thrown : formatValue(thrown), stack: '' };
}

function describeThrownBriefly(thrown: unknown): string {
  const { name, message } = describeThrown(thrown);
  return `${name}: ${message}`;
}

export type { Envelope };
