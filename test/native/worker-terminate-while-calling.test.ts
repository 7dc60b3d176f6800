// Pins: the engine works inside worker threads, and terminating a worker in the middle of engine
// calls (sync, async and ignored, back to back) never takes the process down. A method called while
// the worker's environment is shutting down cannot throw into JavaScript any more; the addon must
// then give up quietly instead of letting the C++ exception escape (std::terminate, SIGABRT).
import path from 'node:path';
import t from 'tap';
import { runNode, typescriptImport } from './child-process';

const fixture = path.join(__dirname, 'fixtures', 'terminate-busy-workers.ts');

t.test('busy workers terminated mid-call, round after round', async (t) => {
  for (let attempt = 0; attempt < 2; attempt++) {
    const child = await runNode(['--no-node-snapshot', typescriptImport, fixture, '12'], { killAfterMs: 60_000 });
    t.notOk(child.timedOut, 'the child did not have to be killed');
    t.equal(child.signal, null, `no signal (${child.stderr.slice(-300)})`);
    t.equal(child.code, 0, 'exit code 0');
    t.match(child.stdout, /terminated 24 busy workers/);
  }
});
