// Where each implementation comes from: the isolated-vm peer, isorun's engine, and node:vm.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireFromBench = createRequire(path.join(benchDir, 'package.json'));

/** Every implementation a scenario may name; engines share the isolated-vm API, node:vm is a reference. */
export const IMPLS = ['isolated-vm', 'isorun', 'node:vm'];
export const PEER = 'isolated-vm';
export const OURS = 'isorun';

/** isorun's facade: ISORUN_NATIVE, else the compiled facade of the checkout this bench/ belongs to. */
export const isorunSpecifier = () => process.env.ISORUN_NATIVE ?? '../dist/native/index.js';

/** Loads an implementation's module; node:vm is loaded by the scenarios that use it. */
export function loadEngine(impl) {
  switch (impl) {
    case 'isolated-vm':
      return requireFromBench('isolated-vm');
    case 'isorun':
      return requireFromBench(isorunSpecifier());
    case 'node:vm':
      return requireFromBench('node:vm');
    default:
      throw new Error(`unknown implementation ${impl}`);
  }
}

/** Frees a Reference: isolated-vm 5 names it `release()`, the API document (and isorun) `dispose()`. */
export function releaseReference(reference) {
  if (typeof reference.release === 'function') reference.release();
  else reference.dispose();
}
