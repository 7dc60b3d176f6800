// Pins: guests see ECMAScript built-ins only: no require, process, Buffer, module, timers or
// other Node globals, and `import()` of anything (a Node built-in, a file, a URL) fails inside
// the guest without reaching the host.
import t from 'tap';
import { sandbox, evalSync } from './helpers';

const nodeGlobals = [
  'require',
  'process',
  'Buffer',
  'module',
  'exports',
  '__filename',
  '__dirname',
  'global',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'clearTimeout',
  'fetch',
  'WebSocket',
  'structuredClone',
];

t.test('no Node globals', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const name of nodeGlobals) {
    t.equal(evalSync(isolate, context, `typeof ${name}`), 'undefined', name);
  }
});

t.test('import() of anything fails in the guest', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const specifier of [
    'fs',
    'node:fs',
    'node:child_process',
    './index.js',
    'file:///etc/passwd',
    'data:text/javascript,export default 1',
  ]) {
    const outcome = await isolate
      .compileScriptSync(`import(${JSON.stringify(specifier)}).then(() => "loaded", (e) => "failed: " + e)`)
      .run(context, { promise: true, timeout: 5000 });
    t.match(outcome, /^failed: /, specifier);
  }
});

t.test('escapes through constructors stay inside the guest', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(evalSync(isolate, context, 'typeof (function () { return this })().process'), 'undefined');
  t.equal(evalSync(isolate, context, 'typeof Function("return this")().require'), 'undefined');
  t.equal(evalSync(isolate, context, 'typeof ({}).constructor.constructor("return process")'), 'function');
  t.throws(() => evalSync(isolate, context, '({}).constructor.constructor("return process")()'), {
    name: 'ReferenceError',
  });
});
