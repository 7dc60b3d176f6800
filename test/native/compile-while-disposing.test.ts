// Pins: a compile racing its isolate's dispose settles (compiled, or "Isolate is disposed") and never
// crashes. An isolate with no context lends compiles a context of its own; under the termination a
// dispose sends, V8 can refuse to make it (with an extension installed: --expose-gc), and the compile
// entered the empty context: a segfault, every run of 3,000 rounds.
import path from 'node:path';
import t from 'tap';
import { runNode, typescriptImport } from './child-process';

const fixture = path.join(__dirname, 'fixtures', 'compile-then-dispose.ts');

t.test('compiles racing dispose, 3,000 rounds', async (t) => {
  const child = await runNode(['--no-node-snapshot', '--expose-gc', typescriptImport, fixture, '3000'], {
    killAfterMs: 120_000,
  });
  t.equal(child.signal, null, `no crash (${child.stderr.slice(-500)})`);
  t.equal(child.code, 0);
  const outcomes = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
  const total = Object.values(outcomes).reduce((sum, count) => sum + count, 0);
  t.equal(total, 9000, 'every compile settled');
  for (const message of Object.keys(outcomes)) {
    t.match(message, /^(compiled|Isolate is disposed)$/, `outcome: ${message}`);
  }
});
