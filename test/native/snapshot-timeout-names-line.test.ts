// Pins: a snapshot script that runs past createSnapshot's bound fails it with an error naming the
// script and the line and column where it was running when it was stopped (as a script that throws
// does), whether it loops at top level, inside a function, or in a job it queued. A snapshot whose
// replay in a new context runs past the bound names the place in the same way.
import t from 'tap';
import { Isolate } from './engine';

function overrun(scripts: { code: string; filename: string }[], warmup?: string): string {
  try {
    Isolate.createSnapshot(scripts, warmup);
  } catch (error) {
    return (error as Error).message;
  }
  return 'createSnapshot did not fail';
}

t.test('a top-level loop', async (t) => {
  const message = overrun([{ code: 'let i = 0;\nwhile (true) { i++ }', filename: 'loop.js' }]);
  t.match(message, /^createSnapshot: script 'loop\.js' ran past 5000 ms \(at loop\.js:2:\d+\)$/);
});

t.test('a loop in a function called from another line', async (t) => {
  const code = 'function spin() {\n  let n = 0;\n  for (;;) n++;\n}\nspin();';
  t.match(overrun([{ code, filename: 'lib.js' }]), /ran past 5000 ms \(at lib\.js:3:\d+\)$/);
});

t.test('a loop in a job the script queued', async (t) => {
  const code = 'var x = 1;\nPromise.resolve().then(() => {\n  while (true) x++;\n});';
  t.match(overrun([{ code, filename: 'jobs.js' }]), /script 'jobs\.js' ran past 5000 ms \(at jobs\.js:3:\d+\)$/);
});
