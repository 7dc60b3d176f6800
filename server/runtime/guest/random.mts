// crypto.getRandomValues/randomUUID: a ChaCha20 keystream keyed by 32 bytes of the host's CSPRNG,
// fresh for every context (the host passes new entropy with each setup; the key is made on first use).
import { domException } from './dom-exception.mts';
import { lazyRequire, once } from './lazy-global.mts';

const chacha = lazyRequire<typeof import('@noble/ciphers/chacha.js')>(() => require('@noble/ciphers/chacha.js'));

const MAX_BYTES = 65_536;
const integerArrays = once(() => [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
]);

export interface RandomSource {
  /** Fills `bytes` with the next keystream bytes: one nonce per call, never reused under one key. */
  fill(bytes: Uint8Array): void;
}

/** The context's keystream, keyed by the host's entropy (64 hex digits), made when crypto is first used. */
export function createRandomSource(seedHex: string | undefined): RandomSource {
  if (seedHex === undefined || !/^[0-9a-f]{64}$/.test(seedHex)) {
    throw new Error('isorun runtime: no entropy was given to this context');
  }
  const key = new Uint8Array(32);
  for (let index = 0; index < 32; index++) key[index] = parseInt(seedHex.slice(index * 2, index * 2 + 2), 16);
  const nonce = new Uint8Array(12);
  let calls = 0;
  return {
    fill(bytes: Uint8Array): void {
      let counter = ++calls;
      for (let index = 0; index < 8; index++) {
        nonce[index] = counter & 0xff;
        counter = Math.floor(counter / 256);
      }
      bytes.fill(0);
      chacha().chacha20(key, nonce, bytes, bytes);
    },
  };
}

export function createCrypto(source: () => RandomSource) {
  function getRandomValues<T extends ArrayBufferView>(array: T): T {
    if (!integerArrays().some((kind) => array instanceof kind)) {
      throw domException(
        "Failed to execute 'getRandomValues' on 'Crypto': The provided ArrayBufferView is not an integer array type.",
        'TypeMismatchError',
      );
    }
    if (array.byteLength > MAX_BYTES) {
      throw domException(
        `Failed to execute 'getRandomValues' on 'Crypto': The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (${MAX_BYTES}).`,
        'QuotaExceededError',
      );
    }
    if (array.byteLength > 0) source().fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  }

  function randomUUID(): string {
    const bytes = new Uint8Array(16);
    source().fill(bytes);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    let hex = '';
    for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  return { getRandomValues, randomUUID };
}
