// The engine under test: our addon through `native/index`. While developing, ISORUN_TEST_PEER=<path
// to isolated-vm 5.0.4> runs the same tests against the reference implementation instead, e.g.
// `ISORUN_TEST_PEER=/work/peer/node_modules/isolated-vm npx tap test/native/`. Files that pin
// where isorun differs from (or improves on) isolated-vm say so in their header.
import type * as Native from '../../native/index';

export type * from '../../native/index';

/** Path of the reference implementation in use, or undefined when testing isorun's own engine. */
export const peer: string | undefined = process.env.ISORUN_TEST_PEER || undefined;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const engine = require(peer ?? '../../native/index') as typeof Native;

export const Isolate = engine.Isolate;
export type Isolate = Native.Isolate;
export const Context = engine.Context;
export type Context = Native.Context;
export const Script = engine.Script;
export type Script = Native.Script;
export const Reference = engine.Reference;
export type Reference<V = unknown> = Native.Reference<V>;
export const ExternalCopy = engine.ExternalCopy;
export type ExternalCopy<V = unknown> = Native.ExternalCopy<V>;
/** isorun's engine counters; isolated-vm has none, so this is undefined on the peer. */
export const engineStats: (() => Native.EngineStats) | undefined = peer ? undefined : engine.engineStats;
