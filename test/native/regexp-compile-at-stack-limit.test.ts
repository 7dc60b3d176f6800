// Pins: compiling a regular expression with the stack nearly spent is a catchable error, not the end of
// the process. V8 compiles a pattern on its first exec, and its compiler calls a fatal out-of-memory
// error when it meets the stack limit (RegExpCompiler::ToNodeCheckForStackOverflow): a guest reached it
// with `/(?:a(?:b))/.test(s)` in the catch of a stack overflow, or with a pattern nested 10,000 deep at
// any depth, and the whole Node process exited (code 133). Each child runs one such guest.
import path from 'node:path';
import t from 'tap';
import { runNode, typescriptImport } from './child-process';
import { evalSync, sandbox } from './helpers';

const fixture = path.join(__dirname, 'fixtures', 'regexp-at-stack-limit.ts');

for (const use of [
  "/(?:a(?:b))/.test('ab')",
  "/(?:a(?:c))/.exec('ac')",
  "new RegExp('(?:a(?:d))' + Math.random()).test('ad')",
  "'ae'.replace(/(?:a(?:e))/g, 'x')",
  "'af'.split(/(?:a(?:f))/)",
  "'ag'.match(/(?:a(?:g))/g)",
  "'ah'.search(/(?:a(?:h))/)",
  "[...'ai'.matchAll(/(?:a(?:i))/g)]",
  "'aj'.replaceAll(/(?:a(?:j))/g, 'x')",
]) {
  t.test(`at the stack limit: ${use}`, async (t) => {
    const child = await runNode(['--no-node-snapshot', typescriptImport, fixture, use], { killAfterMs: 60_000 });
    t.equal(child.signal, null, `no signal (${child.stderr.slice(-300)})`);
    t.equal(child.code, 0, 'the process lives on');
    t.match(child.stdout, /^(refused|ran)$/m, 'the guest saw an error it could catch, or room enough');
  });
}

t.test('a pattern nested too deep is a SyntaxError, literal or made', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 64 });
  const nested = "'(?:a'.repeat(10000) + ')'.repeat(10000)";
  for (const code of [
    `new RegExp(${nested}).test('a')`,
    `eval('/' + ${nested} + '/').test('a')`,
    `'a'.replace(new RegExp(${nested}, 'g'), 'b')`,
  ]) {
    t.throws(() => evalSync(isolate, context, code), { name: 'SyntaxError', message: /nested over 1000 deep/ }, code);
  }
  const literal = `/${'(?:a'.repeat(10000)}${')'.repeat(10000)}/.test('a')`;
  t.throws(() => evalSync(isolate, context, literal), { name: 'SyntaxError', message: /nested over 1000 deep/ });
  t.equal(
    evalSync(isolate, context, "new RegExp('(?:a'.repeat(1000) + ')'.repeat(1000)).test('a'.repeat(1000))"),
    true,
  );
});
