// What the pool servers lend to one request at a time (an isolate, or an isolate and what it holds).
/** Items lent one request at a time; waiters are served in arrival order. */
export class Pool {
  #idle;
  #waiting = [];

  constructor(items) {
    this.#idle = [...items];
  }

  acquire() {
    const item = this.#idle.pop();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(item) {
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter(item);
    else this.#idle.push(item);
  }

  /** The idle items, taken out of the pool (to dispose of them at shutdown). */
  drain() {
    return this.#idle.splice(0);
  }
}
