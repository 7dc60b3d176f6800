// Pins: WebAssembly cannot take a guest past memoryLimit. Either design the issue allows passes:
// WebAssembly is off by default (no `WebAssembly` global, and no way to compile wasm), or its
// memory counts against the limit (growing one Memory, or making many, fails before 1.25× the
// limit is touched). The process and the isolate survive either way.
// On isolated-vm 5.0.4 this is expected to fail: WebAssembly is on and its memory is not counted.
import t from 'tap';
import { sandbox, evalSync, expectUsableOrDisposed, MEMORY_OVERSHOOT } from './helpers';

const memoryLimit = 64;
const pageBytes = 64 * 1024;
// Give up at 4× the limit: enough to show the limit failed without straining a shared machine.
const attemptMb = 4 * memoryLimit;

t.test('WebAssembly is off, or its memory is counted', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit });
  const type = evalSync(isolate, context, 'typeof WebAssembly');
  if (type === 'undefined') {
    t.pass('WebAssembly is off by default');
    t.equal(
      evalSync(isolate, context, 'Object.getOwnPropertyNames(globalThis).includes("WebAssembly")'),
      false,
      'not even as a hidden global',
    );
    return;
  }
  t.comment('WebAssembly is on: its memory must count against memoryLimit');
  const grown = await isolate
    .compileScriptSync(
      `const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
      let pages = 1;
      try {
        while (pages < ${(attemptMb * 1024 * 1024) / pageBytes}) {
          memory.grow(16);
          new Uint8Array(memory.buffer).fill(1, pages * ${pageBytes});
          pages += 16;
        }
      } catch {}
      pages`,
    )
    .run(context)
    .catch(() => 0);
  const grownMb = ((grown as number) * pageBytes) / 1024 / 1024;
  t.ok(grownMb <= MEMORY_OVERSHOOT * memoryLimit, `one Memory grew to ${grownMb} MB, limit ${memoryLimit} MB`);
  await expectUsableOrDisposed(t, isolate);
});

t.test('many small Memories do not add up past the limit either', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit });
  if (evalSync(isolate, context, 'typeof WebAssembly') === 'undefined') {
    t.pass('WebAssembly is off by default');
    return;
  }
  const made = await isolate
    .compileScriptSync(
      `const memories = [];
      try {
        while (memories.length < ${attemptMb}) {
          const memory = new WebAssembly.Memory({ initial: 16 });
          new Uint8Array(memory.buffer).fill(1);
          memories.push(memory);
        }
      } catch {}
      memories.length`,
    )
    .run(context)
    .catch(() => 0);
  t.ok((made as number) <= MEMORY_OVERSHOOT * memoryLimit, `${made} Memories of 1 MB each, limit ${memoryLimit} MB`);
  await expectUsableOrDisposed(t, isolate);
});
