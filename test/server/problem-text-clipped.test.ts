// Every text member of a problem is cut to PROBLEM_TEXT_MAX characters and an ellipsis: a COMPILE_ERROR
// quoted a 900,000-character identifier whole in its `detail` (a 900 KB response).
import t from 'tap';
import { clipText, PROBLEM_TEXT_MAX, ProblemError } from '../../server/errors';
import { run, startApp } from './helpers';

t.test('a compile error quoting huge code is cut, with its location kept', async (t) => {
  const isorun = await startApp(t);
  const response = await run(isorun, { code: `a ${'b'.repeat(900_000)}` });
  t.equal(response.body.code, 'COMPILE_ERROR');
  t.ok(response.body.detail.length <= PROBLEM_TEXT_MAX + 1, `detail: ${response.body.detail.length} characters`);
  t.match(response.body.detail, /^Unexpected identifier 'b+… \(line 1, column 3\)$/);
  t.match(response.body, { line: 1, column: 3 });
});

t.test('a function error quoting a huge name and message is cut', async (t) => {
  const isorun = await startApp(t);
  const response = await run(isorun, {
    code: '() => { const e = new Error("m".repeat(100000)); e.name = "N".repeat(100000); throw e }',
  });
  t.equal(response.body.code, 'FUNCTION_ERROR');
  for (const field of ['detail', 'name', 'message', 'stack']) {
    t.ok(response.body[field].length <= PROBLEM_TEXT_MAX + 1, `${field}: ${response.body[field].length} characters`);
  }
});

t.test('clipping never splits a surrogate pair', async (t) => {
  const text = `${'x'.repeat(PROBLEM_TEXT_MAX - 1)}😀tail`;
  t.equal(clipText(text), `${'x'.repeat(PROBLEM_TEXT_MAX - 1)}…`);
  t.equal(new ProblemError('INVALID_REQUEST', 'y'.repeat(PROBLEM_TEXT_MAX * 2)).detail.length, PROBLEM_TEXT_MAX + 1);
  t.equal(clipText('short'), 'short');
});
