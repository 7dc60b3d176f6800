// V8 flags the server sets for its own process before it creates any isolate.
import v8 from 'node:v8';

/**
 * Guests never see WebAssembly (the engine deletes it from every context: its memory would bypass the
 * memory cap), yet V8 builds the whole WebAssembly namespace in each new context, and asm.js validation
 * keeps it built even when not exposed: ~10% of `Context::New`, which is most of a request's CPU.
 * Nothing in the server's own process uses WebAssembly (no `fetch`); asm.js code still runs, as plain
 * JavaScript. Resizable and growable buffers go too: their memory bypasses the memory cap, so the
 * engine would otherwise replace both buffer constructors in each new context (~15 µs), and V8 skips
 * installing them. Contexts made before this call (Node's own) keep theirs.
 */
export const SERVER_V8_FLAGS = ['--no-expose-wasm', '--no-validate-asm', '--no-harmony-rab-gsab'] as const;

export function applyServerV8Flags(): void {
  for (const flag of SERVER_V8_FLAGS) v8.setFlagsFromString(flag);
}
