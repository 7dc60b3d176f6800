// TextEncoder/TextDecoder (from @exodus/bytes) and atob/btoa (the HTML "forgiving-base64" algorithms).
import { domException } from './dom-exception.mts';
import { lazyRequire, once } from './lazy-global.mts';

export const encodingLite = lazyRequire<typeof import('@exodus/bytes/encoding-lite.js')>(() =>
  require('@exodus/bytes/encoding-lite.js'),
);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const decodeTable = once(() => {
  const table = new Int8Array(128).fill(-1);
  for (let index = 0; index < ALPHABET.length; index++) table[ALPHABET.charCodeAt(index)] = index;
  return table;
});

export function btoa(data: unknown): string {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'btoa': 1 argument required");
  const text = String(data);
  let out = '';
  for (let index = 0; index < text.length; index += 3) {
    const a = text.charCodeAt(index);
    const b = index + 1 < text.length ? text.charCodeAt(index + 1) : 0;
    const c = index + 2 < text.length ? text.charCodeAt(index + 2) : 0;
    if (a > 0xff || b > 0xff || c > 0xff) {
      throw domException(
        'The string to be encoded contains characters outside of the Latin1 range.',
        'InvalidCharacterError',
      );
    }
    out += ALPHABET[a >> 2]! + ALPHABET[((a & 3) << 4) | (b >> 4)]!;
    out += index + 1 < text.length ? ALPHABET[((b & 15) << 2) | (c >> 6)]! : '=';
    out += index + 2 < text.length ? ALPHABET[c & 63]! : '=';
  }
  return out;
}

export function atob(data: unknown): string {
  if (arguments.length === 0) throw new TypeError("Failed to execute 'atob': 1 argument required");
  let text = String(data).replace(/[\t\n\f\r ]/g, '');
  if (text.length % 4 === 0) text = text.replace(/==?$/, '');
  const invalid = () => domException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
  if (text.length % 4 === 1) throw invalid();
  const DECODE = decodeTable();
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const value = code < 128 ? DECODE[code]! : -1;
    if (value < 0) throw invalid();
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}
