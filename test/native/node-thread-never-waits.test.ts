// Pins: Node's thread never waits for an engine thread, neither to post a call nor to take its result,
// however slowly the OS schedules the engine's threads (the child, fixtures/node-thread-waits.ts, runs
// them at nice 19 behind two busy workers). Before:
// - posting woke threads through a condition variable, whose notify can wait until threads woken
//   earlier have run (glibc's group switch), under a mutex shared with the pool's monitor; in a server
//   at 1,000 req/s one `createContext()` call in ten held Node's thread 0.4-1 ms. Posting 2,560 calls
//   slept 13-15 times per 1,280;
// - results came home through a Node-API thread-safe function, whose mutex an engine thread holds while
//   it signals the event loop: Node's thread sat in that mutex in 0.9-30% of the samples.
// Linux only (/proc).
import path from 'node:path';
import t from 'tap';
import { runNode, typescriptImport } from './child-process';
import { peer } from './engine';

const skip =
  process.platform !== 'linux'
    ? 'Linux only'
    : peer
      ? "isorun's engine threads only"
      : !['x64', 'arm64'].includes(process.arch)
        ? `no futex number for ${process.arch}`
        : false;

t.test("posting calls and taking their results do not make Node's thread wait", { skip }, async (t) => {
  const fixture = path.join(__dirname, 'fixtures', 'node-thread-waits.ts');
  const child = await runNode(['--no-node-snapshot', '--single-threaded-gc', typescriptImport, fixture], {
    killAfterMs: 60_000,
  });
  t.equal(child.code, 0, `the child ran (${child.stderr.slice(-500)})`);
  const { calls, answered, postSleeps, inFutex, samples } = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    calls: number;
    answered: number;
    postSleeps: number;
    inFutex: number;
    samples: number;
  };
  t.equal(answered, calls, 'every call answered');
  // The queue's lock (held for a few instructions) and malloc's can still be contended now and then:
  // 0 in normal runs, 5 per 1,280 under AddressSanitizer's allocator.
  t.ok(postSleeps <= 8, `Node's thread slept ${postSleeps} times while posting ${calls} calls`);
  t.ok(samples > 1000, `${samples} samples`);
  t.ok(inFutex <= samples / 500, `Node's thread was in futex() in ${inFutex} of ${samples} samples`);
});
