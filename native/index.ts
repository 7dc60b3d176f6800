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

const FLAG = '--no-node-snapshot';

function snapshotFlagPresent(): boolean {
  if (process.execArgv.includes(FLAG)) return true;
  // NODE_OPTIONS may quote its entries (`"--no-node-snapshot" "--import=…"`), as Node itself accepts.
  const options = (process.env.NODE_OPTIONS ?? '').match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  return options.some((option) => option.replace(/^(["'])(.*)\1$/, '$2') === FLAG);
}

function loadBinding(): EngineBinding {
  if (!snapshotFlagPresent()) {
    throw new Error(
      `isorun/native needs Node's startup snapshot turned off: guest isolates share Node's read-only heap and ` +
        `would run with broken built-ins. Start node with ${FLAG} (for example \`node ${FLAG} app.js\`, ` +
        `or NODE_OPTIONS=${FLAG}).`,
    );
  }
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
