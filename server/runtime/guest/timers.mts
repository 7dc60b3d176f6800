// setTimeout/clearTimeout kept inside the guest and fired by the host's `tick` calls, never past the deadline
// (the host stops ticking when the invocation's deadline passes).
import {
  DateNow,
  MapCtor,
  MapIteratorNext,
  MapPrototypeDelete,
  MapPrototypeEntries,
  MapPrototypeSet,
  ReflectApply,
  TypeErrorCtor,
} from './primordials.mts';

interface Timer {
  callback: (...args: unknown[]) => unknown;
  args: unknown[];
  due: number;
}

export class TimerQueue {
  readonly #timers = new MapCtor<number, Timer>();
  #nextId = 1;

  setTimeout(callback: unknown, delay: unknown, args: unknown[]): number {
    if (typeof callback !== 'function') {
      throw new TypeErrorCtor('setTimeout: the callback must be a function (strings are not evaluated)');
    }
    const ms = Number(delay);
    const id = this.#nextId++;
    MapPrototypeSet(this.#timers, id, {
      callback: callback as Timer['callback'],
      args,
      due: DateNow() + (ms > 0 ? ms : 0),
    });
    return id;
  }

  clearTimeout(id: unknown): void {
    MapPrototypeDelete(this.#timers, Number(id));
  }

  /** Fires the earliest due timer: 0 if one fired, else ms until the next one, or -1 when none is set. */
  tick(): number {
    let earliest: [number, Timer] | undefined;
    const iterator = MapPrototypeEntries(this.#timers);
    for (let step = MapIteratorNext(iterator); !step.done; step = MapIteratorNext(iterator)) {
      if (earliest === undefined || step.value[1].due < earliest[1].due) earliest = step.value;
    }
    if (earliest === undefined) return -1;
    const wait = earliest[1].due - DateNow();
    if (wait > 0) return wait;
    MapPrototypeDelete(this.#timers, earliest[0]);
    ReflectApply(earliest[1].callback, undefined, earliest[1].args);
    return 0;
  }
}
