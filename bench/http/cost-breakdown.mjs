// Where one POST /run's time goes: the engine calls the server makes for one invocation, timed one
// by one on a warm isolate, plus the HTTP layer's share measured as a Fastify route that answers a
// constant. Run: node --no-node-snapshot bench/http/cost-breakdown.mjs [--quick]
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const { Isolate } = require(path.join(root, 'dist', 'native', 'index.js'));
const fastify = require(path.join(root, 'bench', 'node_modules', 'fastify'));

const iterations = process.argv.includes('--quick') ? 300 : 3000;
const runtime = fs.readFileSync(path.join(root, 'dist', 'guest-runtime.js'), 'utf8');
const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];

async function engineSteps() {
  const isolate = new Isolate({ memoryLimit: 64 });
  const runtimeScript = await isolate.compileScript(runtime, { filename: 'isorun:runtime' });
  // What server/source.ts makes of an expression: a script that only stores the wrapped code.
  const userScript = await isolate.compileScript('globalThis.__isorun_entry__ = () => (\n(a,b)=>a+b\n);', {
    filename: 'function.js',
    lineOffset: -1,
  });
  const steps = {
    'context: createContext': [],
    'context: run the guest runtime': [],
    'run: setup, store code, invoke, result, heap': [],
    'release: context and references': [],
  };
  const time = async (name, work) => {
    const start = performance.now();
    const value = await work();
    steps[name].push((performance.now() - start) * 1000);
    return value;
  };
  for (let i = 0; i < iterations; i++) {
    const context = await time('context: createContext', () => isolate.createContext());
    const control = await time('context: run the guest runtime', () => runtimeScript.run(context, { reference: true }));
    // As the pool and the invoker do it: the context's setup is queued with the invocation's calls, and the
    // heap read right behind the call, answering in the same turn.
    const [envelope] = await time('run: setup, store code, invoke, result, heap', () => {
      control.applyIgnored(undefined, ['setup', crypto.randomBytes(32).toString('hex'), 100, 65536, 1048576]);
      userScript.runIgnored(context, { timeout: 1000 });
      const invocation = control.apply(undefined, ['invokeEntry', '[1,2]'], {
        timeout: 1000,
        result: { promise: true, copy: true },
      });
      return Promise.all([invocation, isolate.getUsedHeapSize()]);
    });
    if (!envelope.includes('"resultJson":"3"')) throw new Error(`unexpected envelope ${envelope}`);
    await time('release: context and references', () => {
      control.dispose();
      context.release();
    });
  }
  isolate.dispose();
  return steps;
}

async function httpStep() {
  const app = fastify({ logger: false });
  app.post('/run', async () => ({ result: 3 }));
  await app.ready();
  const samples = [];
  const payload = { code: '(a,b)=>a+b', args: [1, 2] };
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await app.inject({ method: 'POST', url: '/run', payload });
    samples.push((performance.now() - start) * 1000);
  }
  await app.close();
  return samples;
}

const steps = await engineSteps();
steps['http: fastify route, parse + reply (inject)'] = await httpStep();
let total = 0;
console.log(`per-request cost breakdown, median of ${iterations} sequential invocations (µs):`);
for (const [name, samples] of Object.entries(steps)) {
  const value = median(samples);
  total += value;
  console.log(`  ${name.padEnd(50)} ${value.toFixed(1).padStart(8)}`);
}
console.log(`  ${'sum'.padEnd(50)} ${total.toFixed(1).padStart(8)}`);
console.log('Context steps run off the request path when an isolate is idle; under saturation they are not free.');
console.log('Timers are fired (one more engine call each) only for invocations still unsettled after 1 ms.');
