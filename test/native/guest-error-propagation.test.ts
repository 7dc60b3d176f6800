// Pins: errors thrown by guest code reach the host as Errors carrying the guest's name, message
// and a stack that names the script's filename and line, from runSync and run, for built-in error
// types, subclasses and errors thrown from nested functions.
import t from 'tap';
import { sandbox } from './helpers';

const cases: Array<[code: string, name: string, message: string, line: number]> = [
  ['\n\nthrow new TypeError("bad type")', 'TypeError', 'bad type', 3],
  ['null.property', 'TypeError', "Cannot read properties of null (reading 'property')", 1],
  ['\nundefinedVariable + 1', 'ReferenceError', 'undefinedVariable is not defined', 2],
  ['new Array(-1)', 'RangeError', 'Invalid array length', 1],
  ['function inner() {\n  throw new Error("deep")\n}\nfunction outer() { inner() }\nouter()', 'Error', 'deep', 2],
  [
    'class QuotaError extends Error { constructor(m) { super(m); this.name = "QuotaError" } }\nthrow new QuotaError("over quota")',
    'QuotaError',
    'over quota',
    2,
  ],
  ['eval("(")', 'SyntaxError', 'Unexpected end of input', 1],
  ['throw new URIError("uri")', 'URIError', 'uri', 1],
];

t.test('runSync', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const [code, name, message, line] of cases) {
    const script = isolate.compileScriptSync(code, { filename: 'guest-code.js' });
    const error = t.throws(() => script.runSync(context), { name, message }, `${name}: ${message}`) as Error;
    t.ok(error instanceof Error, 'is an Error');
    t.match(error.stack, new RegExp(`guest-code\\.js:${line}\\b`), `stack names guest-code.js:${line}`);
  }
});

t.test('run', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const [code, name, message, line] of cases) {
    const script = await isolate.compileScript(code, { filename: 'async-guest.js' });
    const error = await script.run(context).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    t.ok(error instanceof Error, `${name}: rejected with an Error`);
    t.equal(error?.name, name);
    t.equal(error?.message, message);
    t.match(error?.stack, new RegExp(`async-guest\\.js:${line}\\b`), `stack names async-guest.js:${line}`);
  }
});

t.test('built-in error types arrive as the host classes', async (t) => {
  const { isolate, context } = sandbox(t);
  t.throws(() => isolate.compileScriptSync('throw new TypeError("x")').runSync(context), TypeError);
  t.throws(() => isolate.compileScriptSync('throw new RangeError("x")').runSync(context), RangeError);
  t.throws(() => isolate.compileScriptSync('throw new SyntaxError("x")').runSync(context), SyntaxError);
  t.throws(() => isolate.compileScriptSync('throw new ReferenceError("x")').runSync(context), ReferenceError);
});

t.test('the isolate is usable after every error', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const [code] of cases) t.throws(() => isolate.compileScriptSync(code).runSync(context));
  t.equal(isolate.compileScriptSync('"fine"').runSync(context), 'fine');
});
