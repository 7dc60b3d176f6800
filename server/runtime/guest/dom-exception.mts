// DOMException, as the web APIs here (atob, crypto, structuredClone) throw it. The class is made on first
// use: a class costs a few microseconds in every fresh context, and most invocations never throw one.
import { once } from './lazy-global.mts';
import { ErrorCtor } from './primordials.mts';

export const DOMExceptionClass = once(() => {
  const LEGACY_CODES: Record<string, number> = {
    IndexSizeError: 1,
    InvalidCharacterError: 5,
    NotSupportedError: 9,
    SyntaxError: 12,
    InvalidStateError: 11,
    TypeMismatchError: 17,
    QuotaExceededError: 22,
    DataCloneError: 25,
  };
  class DOMException extends ErrorCtor {
    readonly #name: string;
    constructor(message = '', name = 'Error') {
      super(message);
      this.#name = String(name);
    }
    override get name(): string {
      return this.#name;
    }
    get code(): number {
      return LEGACY_CODES[this.#name] ?? 0;
    }
  }
  Object.defineProperty(DOMException.prototype, Symbol.toStringTag, { value: 'DOMException', configurable: true });
  return DOMException;
});

export const domException = (message: string, name: string): Error => new (DOMExceptionClass())(message, name);
