// Fastify + isolated-vm: a pool of 4 isolates, a fresh context per request, arguments and result
// copied (structured clone), a timeout and a memory limit on every call.
import { createRequire } from 'node:module';
import { serve } from './app.mjs';
import { Pool } from './pool.mjs';

const ivm = createRequire(import.meta.url)('isolated-vm');
const POOL_SIZE = 4;
const MEMORY_LIMIT_MB = 128;
const TIMEOUT_MS = 1000;

const create = () => new ivm.Isolate({ memoryLimit: MEMORY_LIMIT_MB });
const pool = new Pool(Array.from({ length: POOL_SIZE }, create));

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
    // An isolate killed by its memory limit is replaced, never handed out again.
    pool.release(isolate.isDisposed ? create() : isolate);
  }
}

await serve(execute, { onClose: async () => pool.drain().forEach((isolate) => isolate.dispose()) });
