// Pins: Node's thread polls for a few µs when an async call is likely to come home at once, but never
// spends CPU waiting for a long call or sitting idle after calls, and never keeps a finished process
// alive. Node's thread CPU is read from /proc (Linux), where a thread that never slept would show
// about as much CPU as wall time.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { runNode, typescriptImport } from './child-process';
import { sandbox } from './helpers';

const statPath = `/proc/self/task/${process.pid}/stat`;
const linux = fs.existsSync(statPath);
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time of Node's own thread (not the engine's), in ms. */
function nodeThreadCpuMs(): number {
  const stat = fs.readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

t.test(
  'an idle Node thread does not poll after a burst of quick calls',
  { skip: !linux && 'needs /proc' },
  async (t) => {
    const { isolate, context } = sandbox(t);
    const script = isolate.compileScriptSync('1 + 1');
    let sum = 0;
    for (let i = 0; i < 3000; i++) sum += (await script.run(context)) as number;
    t.equal(sum, 6000, 'every call answered');
    const before = nodeThreadCpuMs();
    await sleep(600);
    const used = nodeThreadCpuMs() - before;
    t.ok(used < 200, `Node's thread used ${used} ms of CPU in 600 ms of idling`);
  },
);

t.test('Node thread sleeps while a long async call runs', { skip: !linux && 'needs /proc' }, async (t) => {
  const { isolate, context } = sandbox(t);
  const quick = isolate.compileScriptSync('1 + 1');
  for (let i = 0; i < 200; i++) await quick.run(context); // the poller is keen
  const long = isolate.compileScriptSync('const end = Date.now() + 600; while (Date.now() < end) {} "done"');
  const before = nodeThreadCpuMs();
  t.equal(await long.run(context), 'done');
  const used = nodeThreadCpuMs() - before;
  t.ok(used < 200, `Node's thread used ${used} ms of CPU while a 600 ms call ran`);
});

t.test('a process whose calls are done ends by itself', async (t) => {
  const fixture = path.join(__dirname, 'fixtures', 'quick-calls-then-idle.ts');
  const child = await runNode(['--no-node-snapshot', typescriptImport, fixture], { killAfterMs: 30_000 });
  t.notOk(child.timedOut, 'the child did not have to be killed');
  t.match(child.stdout, /sum 4000/, 'every call answered');
  t.equal(child.code, 0, `exit code 0 (${child.stderr.slice(-500)})`);
});
