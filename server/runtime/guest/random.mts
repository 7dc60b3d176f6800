// crypto.getRandomValues/randomUUID: a ChaCha20 keystream keyed by 32 bytes of the host's CSPRNG,
// fresh for every context (the host passes new entropy with each setup).
import { DOMException } from './dom-exception.mts';
import { lazyRequire } from './lazy-global.mts';

const chacha = lazyRequire<typeof import('@noble/ciphers/chacha.js')>(() => require('@noble/ciphers/chacha.js'));

const MAX_BYTES = 65_536;
const INTEGER_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
];

export class RandomSource {
  #key: Uint8Array | undefined;
  readonly #nonce = new Uint8Array(12);
  #calls = 0;

  seed(hex: string): void {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new TypeError('isorun runtime: the seed must be 32 bytes as hex');
    const key = new Uint8Array(32);
    for (let index = 0; index < 32; index++) key[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
    this.#key = key;
  }

  /** Fills `bytes` with the next keystream bytes: one nonce per call, never reused under one key. */
  fill(bytes: Uint8Array): void {
    if (this.#key === undefined) throw new Error('isorun runtime: no entropy was given to this context');
    let counter = ++this.#calls;
    for (let index = 0; index < 8; index++) {
      this.#nonce[index] = counter & 0xff;
      counter = Math.floor(counter / 256);
    }
    bytes.fill(0);
    chacha().chacha20(this.#key, this.#nonce, bytes, bytes);
  }
}

export function createCrypto(source: RandomSource) {
  function getRandomValues<T extends ArrayBufferView>(array: T): T {
    if (!INTEGER_ARRAYS.some((kind) => array instanceof kind)) {
      throw new DOMException(
        "Failed to execute 'getRandomValues' on 'Crypto': The provided ArrayBufferView is not an integer array type.",
        'TypeMismatchError',
      );
    }
    if (array.byteLength > MAX_BYTES) {
      throw new DOMException(
        `Failed to execute 'getRandomValues' on 'Crypto': The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (${MAX_BYTES}).`,
        'QuotaExceededError',
      );
    }
    if (array.byteLength > 0) source.fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  }

  function randomUUID(): string {
    const bytes = new Uint8Array(16);
    source.fill(bytes);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    let hex = '';
    for (const byte of bytes) hex += (byte < 16 ? '0' : '') + byte.toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  return { getRandomValues, randomUUID };
}
