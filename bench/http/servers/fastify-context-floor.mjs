// A floor, not a peer: the peers' Fastify app and a pool of 4 isolates that gives each request a fresh
// context and does no more than FLOOR_WORK says. Any server that gives every request a fresh context
// pays at least the first; its req/s bounds what such a server can reach here.
//   FLOOR_ENGINE=isolated-vm (default) | isorun   (isorun's contexts come with its engine's guards)
//   FLOOR_WORK=context (default): make and release the context, no guest code (the sum is the host's)
//   FLOOR_WORK=call: also what isorun's server must do in it, in the same engine calls: run and set up
//     its guest runtime, store the request's function (compiled once per isolate) and invoke it through
//     the runtime, result as JSON; none of the server's own checks, logs, metrics or heap reads
import fs from 'node:fs';
import path from 'node:path';
import { benchDir, loadEngine } from '../../lib/impls.mjs';
import { serve } from './app.mjs';
import { Pool } from './pool.mjs';

const POOL_SIZE = 4;
const engine = loadEngine(process.env.FLOOR_ENGINE ?? 'isolated-vm');
const call = process.env.FLOOR_WORK === 'call';
const runtimeSource = call && fs.readFileSync(path.join(benchDir, '..', 'dist', 'guest-runtime.js'), 'utf8');
const pool = new Pool(
  Array.from({ length: POOL_SIZE }, () => {
    const isolate = new engine.Isolate({ memoryLimit: 128 });
    if (!call) return { isolate };
    return {
      isolate,
      runtime: isolate.compileScriptSync(runtimeSource, { filename: 'isorun:runtime' }),
      // As server/source.ts reads an expression: a script that stores it for the runtime's invokeEntry.
      scripts: new Map(),
    };
  }),
);
const SEED = 'a'.repeat(64);

async function invoke(entry, context, code, args) {
  const control = await entry.runtime.run(context, { reference: true });
  control.applyIgnored(undefined, ['setup', SEED, 100, 65536, 1048576]);
  let script = entry.scripts.get(code);
  if (script === undefined) {
    script = await entry.isolate.compileScript(`globalThis.__isorun_entry__ = () => (\n${code}\n);`);
    entry.scripts.set(code, script);
  }
  script.runIgnored(context);
  const envelope = await control.apply(undefined, ['invokeEntry', JSON.stringify(args)], {
    timeout: 1000,
    result: { promise: true, copy: true },
  });
  control.dispose();
  return JSON.parse(JSON.parse(envelope).resultJson);
}

async function execute(code, args) {
  const entry = await pool.acquire();
  try {
    const context = await entry.isolate.createContext();
    try {
      return call ? await invoke(entry, context, code, args) : args.reduce((sum, value) => sum + value, 0);
    } finally {
      context.release();
    }
  } finally {
    pool.release(entry);
  }
}

await serve(execute, { onClose: async () => pool.drain().forEach(({ isolate }) => isolate.dispose()) });
