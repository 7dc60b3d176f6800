// Pins: the engine never runs guests with broken built-ins: loaded in a Node started without
// --no-node-snapshot it throws an error that says exactly how to fix it (naming the flag), and
// with the flag, on the command line or in NODE_OPTIONS, it loads and `Math.E` is right.
// On isolated-vm 5.0.4 the first subtest is expected to fail: it loads without the flag.
import t from 'tap';
import path from 'node:path';
import { runNode, typescriptImport } from './child-process';

const fixture = path.join(__dirname, 'fixtures', 'load-engine.ts');

t.test('without the flag: a clear error naming --no-node-snapshot', async (t) => {
  const child = await runNode([typescriptImport, fixture]);
  t.not(child.code, 0, 'loading fails');
  t.equal(child.signal, null, 'by an error, not a crash');
  t.notMatch(child.stdout, /loaded/, 'no guest ran');
  t.match(child.stderr, /--no-node-snapshot/, 'the error names the flag');
  t.match(child.stderr, /node --no-node-snapshot|NODE_OPTIONS/, 'and says how to pass it');
});

t.test('with the flag on the command line', async (t) => {
  const child = await runNode(['--no-node-snapshot', typescriptImport, fixture]);
  t.equal(child.code, 0, child.stderr);
  t.equal(child.stdout.trim(), `loaded ${Math.E}`);
});

t.test('with the flag in NODE_OPTIONS', async (t) => {
  const child = await runNode([typescriptImport, fixture], { env: { NODE_OPTIONS: '--no-node-snapshot' } });
  t.equal(child.code, 0, child.stderr);
  t.equal(child.stdout.trim(), `loaded ${Math.E}`);
});
