// Pins: compileScript and compileScriptSync honour filename, lineOffset and columnOffset in guest
// stack traces, and a syntax error rejects the compile with a SyntaxError.
import t from 'tap';
import { sandbox } from './helpers';

const code = 'let x = 1;\nfunction boom() { throw new Error("boom"); }\nboom();';

t.test('compileScriptSync: filename and line/column offsets appear in the stack', async (t) => {
  const { isolate, context } = sandbox(t);
  const script = isolate.compileScriptSync(code, { filename: 'origin-sync.js', lineOffset: 10, columnOffset: 5 });
  const error = t.throws(() => script.runSync(context)) as Error;
  t.equal(error.message, 'boom');
  // `new Error` sits on the script's 2nd line (12 with the offset), column 25 (only line 1 gets columnOffset).
  t.match(error.stack, /origin-sync\.js:12:25/);
  // boom() is called on line 3: 13 with the offset.
  t.match(error.stack, /origin-sync\.js:13:1\b/);
});

t.test('columnOffset shifts positions on the first line', async (t) => {
  const { isolate, context } = sandbox(t);
  const script = isolate.compileScriptSync('throw new Error("first")', { filename: 'col.js', columnOffset: 7 });
  const error = t.throws(() => script.runSync(context)) as Error;
  t.match(error.stack, /col\.js:1:14/);
});

t.test('compileScript (async) takes the same options', async (t) => {
  const { isolate, context } = sandbox(t);
  const script = await isolate.compileScript(code, { filename: 'origin-async.js', lineOffset: 100 });
  await t.rejects(script.run(context), { message: 'boom', stack: /origin-async\.js:102:25/ });
});

t.test('without a filename the script still compiles and runs', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(isolate.compileScriptSync('6 * 7').runSync(context), 42);
  t.equal(await (await isolate.compileScript('6 * 7')).run(context), 42);
});

t.test('a syntax error fails the compile, sync and async', async (t) => {
  const { isolate } = sandbox(t);
  t.throws(() => isolate.compileScriptSync('let = ;', { filename: 'bad.js' }), { name: 'SyntaxError' });
  await t.rejects(isolate.compileScript('function ('), { name: 'SyntaxError' });
  t.equal(isolate.compileScriptSync('1').runSync(isolate.createContextSync()), 1, 'isolate usable after');
});
