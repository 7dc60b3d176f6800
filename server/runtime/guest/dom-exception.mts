// DOMException, as the web APIs here (atob, crypto, structuredClone) throw it.
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

export class DOMException extends Error {
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
