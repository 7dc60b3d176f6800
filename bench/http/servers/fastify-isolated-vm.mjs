// Fastify + isolated-vm: a pool of 4 isolates, a fresh context per request, arguments and result
// copied (structured clone), a timeout and a memory limit on every call.
import { createRequire } from 'node:module';
import { serve } from './app.mjs';

const ivm = createRequire(import.meta.url)('isolated-vm');
const POOL_SIZE = 4;
const MEMORY_LIMIT_MB = 128;
const TIMEOUT_MS = 1000;

/** Isolates checked out one request at a time; waiters are served in arrival order. */
class IsolatePool {
  #idle = [];
  #waiting = [];

  constructor(size) {
    for (let i = 0; i < size; i++) this.#idle.push(this.#create());
  }

  #create() {
    return new ivm.Isolate({ memoryLimit: MEMORY_LIMIT_MB });
  }

  acquire() {
    const isolate = this.#idle.pop();
    if (isolate !== undefined) return Promise.resolve(isolate);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(isolate) {
    // An isolate killed by its memory limit is replaced, never handed out again.
    const usable = isolate.isDisposed ? this.#create() : isolate;
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter(usable);
    else this.#idle.push(usable);
  }

  dispose() {
    for (const isolate of this.#idle.splice(0)) isolate.dispose();
  }
}

const pool = new IsolatePool(POOL_SIZE);

async function execute(code, args) {
  const isolate = await pool.acquire();
  let context;
  try {
    context = await isolate.createContext();
    const script = await isolate.compileScript(`(${code})`, { filename: 'function.js' });
    const fn = await script.run(context, { reference: true, timeout: TIMEOUT_MS });
    script.release();
    try {
      return await fn.apply(undefined, args, {
        arguments: { copy: true },
        result: { copy: true },
        timeout: TIMEOUT_MS,
      });
    } finally {
      fn.release();
    }
  } finally {
    if (!isolate.isDisposed) context?.release();
    pool.release(isolate);
  }
}

await serve(execute, { onClose: async () => pool.dispose() });
