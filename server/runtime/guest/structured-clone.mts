// structuredClone through @ungap/structured-clone, with the web's DataCloneError for what cannot be cloned.
import { domException } from './dom-exception.mts';
import { lazyRequire } from './lazy-global.mts';

const ungap = lazyRequire<typeof import('@ungap/structured-clone')>(() => require('@ungap/structured-clone'));

/** The global's body; `argumentCount` is the caller's `arguments.length`. */
export function cloneStructured(argumentCount: number, value: unknown, options?: { transfer?: unknown[] }): unknown {
  if (argumentCount === 0) throw new TypeError("Failed to execute 'structuredClone': 1 argument required");
  if (options?.transfer !== undefined && options.transfer.length > 0) {
    throw domException('structuredClone: transferring is not supported here', 'DataCloneError');
  }
  let records;
  try {
    records = ungap().serialize(value);
  } catch (error) {
    if (error instanceof TypeError) throw domException(`${error.message} could not be cloned.`, 'DataCloneError');
    throw error;
  }
  return ungap().deserialize(records);
}
