// Pins: the engine never runs guests with broken built-ins: loaded in a Node started without
// --no-node-snapshot it throws an error that says exactly how to fix it (naming the flag), and
// with the flag, on the command line or in NODE_OPTIONS, it loads and `Math.E` is right.
// On isolated-vm 5.0.4 the first subtest is expected to fail: it loads without the flag.
import t from 'tap';
import path from 'node:path';
import { repoRoot, runNode, typescriptImport } from './child-process';

const fixture = path.join(__dirname, 'fixtures', 'load-engine.ts');

t.test('without the flag: a clear error naming --no-node-snapshot', async (t) => {
  const child = await runNode([typescriptImport, fixture]);
  t.not(child.code, 0, 'loading fails');
  t.equal(child.signal, null, 'by an error, not a crash');
  t.notMatch(child.stdout, /loaded/, 'no guest ran');
  t.match(child.stderr, /--no-node-snapshot/, 'the error names the flag');
  t.match(child.stderr, /node --no-node-snapshot|NODE_OPTIONS/, 'and says how to pass it');
});

t.test('the addon file itself refuses to load without the flag', async (t) => {
  const addon = path.join(repoRoot, 'build', 'Release', 'isorun.node');
  const probe = `const ivm = require(${JSON.stringify(addon)}); console.log('loaded', typeof ivm.Isolate)`;
  const child = await runNode(['-e', probe]);
  t.not(child.code, 0, 'loading fails');
  t.equal(child.signal, null, 'by an error, not a crash');
  t.notMatch(child.stdout, /loaded/);
  t.match(child.stderr, /Start node with --no-node-snapshot/);
  const quoted = await runNode(['-e', probe], { env: { NODE_OPTIONS: '"--no-node-snapshot"' } });
  t.equal(quoted.stdout.trim(), 'loaded function', `a quoted NODE_OPTIONS entry counts: ${quoted.stderr}`);
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
