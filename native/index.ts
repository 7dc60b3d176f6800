// Loads the engine addon and gives it types: the documented isolated-vm API on our own isolates.
import path from 'node:path';
import fs from 'node:fs';
import type * as T from './types';

export type * from './types';

interface EngineBinding {
  Isolate: typeof T.Isolate;
  Context: typeof T.Context;
  Script: typeof T.Script;
  Reference: typeof T.Reference;
  ExternalCopy: typeof T.ExternalCopy;
  /** Terminates and disposes every isolate of this environment (process exit). */
  shutdown(): void;
  /** Counters kept by the engine, for metrics. */
  stats(): T.EngineStats;
}

/** The addon refuses to load without --no-node-snapshot, with an error that says how to pass it. */
function loadBinding(): EngineBinding {
  const candidates = [
    path.join(__dirname, '..', 'build', 'Release', 'isorun.node'),
    path.join(__dirname, '..', '..', 'build', 'Release', 'isorun.node'),
  ];
  const file = candidates.find((candidate) => fs.existsSync(candidate));
  if (file === undefined) {
    throw new Error(`isorun/native: the addon is not built (looked for ${candidates.join(', ')}); run \`npm install\``);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as EngineBinding;
}

const binding = loadBinding();
// A guest spinning on an engine thread must not hold up process exit.
process.once('exit', () => binding.shutdown());

export const Isolate = binding.Isolate;
export type Isolate = T.Isolate;
export const Context = binding.Context;
export type Context = T.Context;
export const Script = binding.Script;
export type Script = T.Script;
export const Reference = binding.Reference;
export type Reference<V = unknown> = T.Reference<V>;
export const ExternalCopy = binding.ExternalCopy;
export type ExternalCopy<V = unknown> = T.ExternalCopy<V>;
export const engineStats = (): T.EngineStats => binding.stats();
