// Pins: guests that compute for long do not hold back other isolates' calls. More looping runs than
// the engine has threads, then a trivial run on another isolate: it settles while the loops still
// run (the pool starts another thread for waiting work once the running jobs pass their time slice),
// and on Linux the threads running those long jobs drop to nice 10 while they do. isorun only:
// isolated-vm runs async calls on libuv's four threads and makes the trivial run wait.
import fs from 'node:fs';
import os from 'node:os';
import t from 'tap';
import { Isolate, engineStats, peer } from './engine';

/** Nice values of this process's threads (field 19 of /proc/self/task/<tid>/stat). */
function threadNiceValues(): number[] {
  return fs.readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return [];
    }
  });
}

t.test('a trivial run settles while more long runs than threads are still running', { skip: peer }, async (t) => {
  const threads = engineStats!().poolThreads;
  const loops = threads + 2;
  const isolates = Array.from({ length: loops + 1 }, () => new Isolate({ memoryLimit: 16 }));
  t.teardown(() => isolates.forEach((isolate) => isolate.dispose()));
  const contexts = isolates.map((isolate) => isolate.createContextSync());
  let loopsSettled = 0;
  const running = isolates.slice(0, loops).map((isolate, i) =>
    isolate
      .compileScriptSync('while (true) {}')
      .run(contexts[i]!, { timeout: 3000 })
      .catch((error: Error) => error.message)
      .finally(() => loopsSettled++),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (os.platform() === 'linux') t.ok(threadNiceValues().includes(10), 'long jobs run at nice 10');
  const last = isolates[loops]!;
  t.equal(await last.compileScriptSync('1 + 1').run(contexts[loops]!), 2);
  t.equal(loopsSettled, 0, 'the trivial run did not wait for the loops');
  t.same(await Promise.all(running), Array(loops).fill('Script execution timed out.'));
});
