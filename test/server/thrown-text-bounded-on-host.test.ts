// Text a guest throws is cut before the host does any work on it: `throw "a\n".repeat(2e7)` at the top
// level reached the host whole, whose stack was split into 20 million lines before being cut to 16 KB
// (2.9 s of Node's thread, +720 MB of host memory).
import t from 'tap';
import { PROBLEM_TEXT_MAX } from '../../server/errors';
import { guestStack } from '../../server/invoker';
import { run, startApp } from './helpers';

t.test('the host keeps no more of a stack than it may send', async (t) => {
  const stack = guestStack(`Error: ${'a\n'.repeat(2_000_000)}    at function.js:1:7`);
  t.ok(stack.length <= PROBLEM_TEXT_MAX + 1, `kept ${stack.length} characters`);
  t.ok(stack.endsWith('…'), 'marked as cut');
  t.equal(
    guestStack('Error: x\n    at function.js:1:7\n    at node:internal/x:1:1'),
    'Error: x\n    at function.js:1:7',
  );
});

t.test('huge thrown text, through the API', async (t) => {
  const isorun = await startApp(t);
  // A block refuses these statements, so they run as a bare script: the engine hands the throw to the host.
  for (const code of [
    'var f = 1; function f() {}\nthrow new Error("a\\n".repeat(2e6));',
    'var f = 1; function f() {}\nthrow "a\\n".repeat(2e6);',
    'throw "a\\n".repeat(2e6);',
  ]) {
    const response = await run(isorun, { code, timeoutMs: 5000 });
    t.equal(response.body.code, 'FUNCTION_ERROR', code);
    for (const field of ['message', 'stack', 'detail']) {
      t.ok(response.body[field].length <= PROBLEM_TEXT_MAX + 1, `${field}: ${response.body[field].length} characters`);
    }
    t.match(response.body.message, /^(a\n)+a?…$/, 'the message, cut');
  }
});
