// Pins: a Node process whose guests are still spinning on engine threads (with more work queued
// behind them) exits promptly on process.exit(0), with exit code 0, instead of hanging or crashing.
// On isolated-vm 5.0.4 this is expected to fail: the child hangs in exit and has to be killed.
import t from 'tap';
import path from 'node:path';
import { runNode, typescriptImport } from './child-process';

const fixture = path.join(__dirname, 'fixtures', 'spin-then-exit.ts');
// Generous for a loaded 2-core machine, still far below "hangs".
const PROMPT_EXIT_MS = 3000;

for (const spinners of [1, 8]) {
  t.test(`${spinners} spinning guest(s)`, async (t) => {
    const child = await runNode(['--no-node-snapshot', typescriptImport, fixture, String(spinners)], {
      killAfterMs: 20_000,
      mark: 'exiting',
    });
    t.notOk(child.timedOut, 'the child did not have to be killed');
    t.match(child.stdout, /exiting/, 'the child got as far as process.exit');
    t.equal(child.signal, null, `no signal (${child.stderr.slice(-500)})`);
    t.equal(child.code, 0, 'exit code 0');
    t.ok(
      child.msAfterMark !== undefined && child.msAfterMark <= PROMPT_EXIT_MS,
      `exited ${child.msAfterMark?.toFixed(0)} ms after process.exit`,
    );
  });
}
