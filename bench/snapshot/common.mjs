// What the snapshot benchmarks share: taking the library's snapshot and checking what boots from it.
import { CALL_SOURCE, PROBE_FIELDS, PROBE_SOURCE, WARMUP_SOURCE, expectedAnswers, librarySource } from './library.mjs';

export const LIBRARY_SCRIPTS = [{ code: librarySource(), filename: 'library.js' }];
export const EXPECTED = expectedAnswers();

/**
 * The library's snapshot, warmed up as the API suggests. A warm-up that throws is a broken
 * snapshot, not a broken harness: the snapshot is then taken without it, and `note` says so.
 */
export function takeSnapshot(engine) {
  try {
    return { snapshot: engine.Isolate.createSnapshot(LIBRARY_SCRIPTS, WARMUP_SOURCE), warm: true };
  } catch (error) {
    const snapshot = engine.Isolate.createSnapshot(LIBRARY_SCRIPTS);
    return { snapshot, warm: false, note: `warm-up threw in createSnapshot (${firstLine(error)}); taken without it` };
  }
}

const firstLine = (error) =>
  String(error?.message ?? error)
    .split('\n')[0]
    .slice(0, 80);

/** Warm-up scripts whose snapshots are checked for correctness (isolated-vm's differ by warm-up). */
export const WARMUPS_CHECKED = {
  'the library warm-up': WARMUP_SOURCE,
  'the benchmark call': CALL_SOURCE,
  'lib.call(3)': 'lib.call(3)',
  'no warm-up': undefined,
};

/** undefined when an isolate booted from `snapshot` computes what node:vm computes; else why not. */
export function checkSnapshot(engine, snapshot) {
  const isolate = new engine.Isolate({ snapshot, memoryLimit: 128 });
  try {
    const context = isolate.createContextSync();
    const got = isolate.compileScriptSync(PROBE_SOURCE).runSync(context);
    return got === EXPECTED.probe ? undefined : `wrong results: ${differences(got, EXPECTED.probe)}`;
  } catch (error) {
    return `wrong results: probe threw ${firstLine(error)}`;
  } finally {
    isolate.dispose();
  }
}

/** Which probe expressions came out wrong: "Math.E = null (expected 2.718281828459045)". */
function differences(got, expected) {
  let actual;
  try {
    actual = JSON.parse(got);
  } catch {
    return `probe gave ${String(got).slice(0, 60)}`;
  }
  const wanted = JSON.parse(expected);
  return PROBE_FIELDS.flatMap((field, i) => {
    const [a, b] = [JSON.stringify(actual?.[i]), JSON.stringify(wanted[i])];
    return a === b ? [] : [`${field} = ${a} (expected ${b})`];
  }).join(', ');
}

/** Outcome text for a run: the probe's verdict, else how many timed calls answered wrongly. */
export function outcomeOf(probeVerdict, mismatches, calls) {
  if (probeVerdict !== undefined) return probeVerdict.slice(0, 160);
  if (mismatches > 0) return `wrong results in ${mismatches} of ${calls} calls`;
  return undefined;
}

export { CALL_SOURCE };
