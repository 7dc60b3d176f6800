// console.table: Node's layout (lib/internal/cli_table.js) and cells (each value inspected one level deep).
// It reads only as many rows and columns as the log can still keep, and a value that throws when read or
// inspected (a getter, a Proxy trap) shows in its cell: a huge, cyclic or hostile table costs no more
// than a full log and never throws.
import { inspect } from './format.mts';
import {
  ArrayIsArray,
  ArrayPrototypePush,
  MapCtor,
  MapIteratorNext,
  MapPrototypeEntries,
  MapPrototypeGet,
  MapPrototypeSet,
  MathMin,
  ObjectKeys,
  ReflectApply,
  StringCtor,
} from './primordials.mts';

interface Column {
  readonly name: string;
  readonly cells: string[];
  width: number;
}

/**
 * `data` (an object) as Node's console.table prints it, with `properties` as the columns if an array.
 * `budget` is the characters the log can still keep.
 *
 * Everything is made here, per call: the runtime's top level runs in every fresh context, where each
 * constant, closure or captured built-in costs it. The built-ins below are read when the table is made,
 * as object-inspect reads its own on first use: a guest that replaced one changes only its own table, and
 * every call to one is guarded.
 */
export function formatTable(data: object, properties: unknown, budget: number): string {
  const { hasOwn: ObjectHasOwn } = Object;
  const { isView: ArrayBufferIsView } = ArrayBuffer;
  const SetPrototypeValues = Set.prototype.values;
  /** What a cell shows when reading or inspecting its value threw. */
  const THROWN = '[Thrown]';
  /** Array indices walked at most: holes make no rows, and a sparse array's length may be 2^32 - 1. */
  const INDICES_WALKED_MAX = 1 << 20;
  const cellOptions = { depth: 1, maxCollectionLength: 3, maxStringLength: 10_000, quoteStyle: 'single' } as const;

  /** As Node's table shows a value: objects of more than two keys as `[Object]`, others one level deep. */
  function inspectCell(value: unknown): string {
    try {
      const opaque =
        typeof value === 'object' &&
        value !== null &&
        !ArrayIsArray(value) &&
        !ArrayBufferIsView(value) &&
        ObjectKeys(value).length > 2;
      return opaque ? '[Object]' : inspect()(value, cellOptions);
    } catch {
      return THROWN;
    }
  }

  function readCell(object: object, key: string): string {
    let value: unknown;
    try {
      value = (object as Record<string, unknown>)[key];
    } catch {
      return THROWN;
    }
    return inspectCell(value);
  }

  function hasOwn(object: object, key: PropertyKey): boolean {
    try {
      return ObjectHasOwn(object, key);
    } catch {
      return false;
    }
  }

  /**
   * Calls `visit` with each own enumerable key of `object` (the indices of an array or typed array, walked
   * without listing them all) until it returns false. A key list that throws (a Proxy trap) is empty.
   */
  function eachKey(object: object, visit: (key: string) => boolean): void {
    let length: unknown;
    try {
      if (ArrayIsArray(object) || ArrayBufferIsView(object)) length = (object as { length?: unknown }).length;
    } catch {
      return; // a revoked Proxy, or a throwing length
    }
    if (typeof length === 'number') {
      const walked = MathMin(length, INDICES_WALKED_MAX);
      for (let index = 0; index < walked; index++) {
        if (hasOwn(object, index) && !visit(StringCtor(index))) return;
      }
      return;
    }
    let keys: string[];
    try {
      keys = ObjectKeys(object);
    } catch {
      return;
    }
    for (let index = 0; index < keys.length; index++) if (!visit(keys[index]!)) return;
  }

  /** The column names a guest passed as `properties`, as strings; anything else (or a throw) means none. */
  function propertyNames(): string[] | undefined {
    try {
      if (!ArrayIsArray(properties)) return undefined;
      const names: string[] = [];
      const count = MathMin(properties.length, budget);
      for (let index = 0; index < count; index++) ArrayPrototypePush(names, StringCtor(properties[index]));
      return names;
    } catch {
      return undefined;
    }
  }

  function repeat(fill: string, count: number): string {
    let text = '';
    for (let index = 0; index < count; index++) text += fill;
    return text;
  }

  function render(columns: Column[]): string {
    const rule = (left: string, middle: string, right: string): string => {
      let text = left;
      for (let index = 0; index < columns.length; index++) {
        text += (index === 0 ? '' : middle) + repeat('─', columns[index]!.width + 2);
      }
      return text + right;
    };
    const line = (cellAt: (column: Column) => string): string => {
      let text = '│';
      for (let index = 0; index < columns.length; index++) {
        const column = columns[index]!;
        const cell = cellAt(column);
        text += ` ${cell}${repeat(' ', column.width - cell.length)} │`;
      }
      return text;
    };
    let text = `${rule('┌', '┬', '┐')}\n${line((column) => column.name)}\n${rule('├', '┼', '┤')}`;
    for (let row = 0; row < rows && text.length <= budget; row++) {
      text += `\n${line((column) => column.cells[row] ?? '')}`;
    }
    return `${text}\n${rule('└', '┴', '┘')}`;
  }

  let rows = 0;
  // The width of one rendered line. The table is (rows + 4) lines: rows are read until it outgrows the
  // budget, so the log cuts it where it would have cut the whole table, and says so.
  let lineWidth = 1;
  const full = (): boolean => (rows + 4) * (lineWidth + 1) > budget;
  const newColumn = (name: string): Column => {
    lineWidth += name.length + 3;
    return { name, cells: [], width: name.length };
  };
  const put = (column: Column, text: string): void => {
    column.cells[rows] = text;
    if (text.length > column.width) {
      lineWidth += text.length - column.width;
      column.width = text.length;
    }
  };

  let entries: IterableIterator<[unknown, unknown]> | undefined;
  try {
    entries = MapPrototypeEntries(data as Map<unknown, unknown>);
  } catch {
    // not a Map
  }
  if (entries !== undefined) {
    const iterationColumn = newColumn('(iteration index)');
    const keyColumn = newColumn('Key');
    const valuesColumn = newColumn('Values');
    for (let step; !full() && !(step = MapIteratorNext(entries)).done; rows++) {
      put(iterationColumn, StringCtor(rows));
      put(keyColumn, inspectCell(step.value[0]));
      put(valuesColumn, inspectCell(step.value[1]));
    }
    return render([iterationColumn, keyColumn, valuesColumn]);
  }

  let values: IterableIterator<unknown> | undefined;
  try {
    values = ReflectApply(SetPrototypeValues, data, []) as IterableIterator<unknown>;
  } catch {
    // not a Set
  }
  if (values !== undefined) {
    const iterationColumn = newColumn('(iteration index)');
    const valuesColumn = newColumn('Values');
    try {
      // The Set iterator's `next` is looked up now: a guest that replaced it changes only its own table.
      for (let step; !full() && !(step = values.next()).done; rows++) {
        put(iterationColumn, StringCtor(rows));
        put(valuesColumn, inspectCell(step.value));
      }
    } catch {
      // the replaced `next` threw: the rows so far
    }
    return render([iterationColumn, valuesColumn]);
  }

  const indexColumn = newColumn('(index)');
  const propertyColumns: Column[] = [];
  const propertyColumnOf = new MapCtor<string, Column>();
  let valuesColumn: Column | undefined;
  const names = propertyNames();
  eachKey(data, (rowKey) => {
    if (full()) return false;
    put(indexColumn, rowKey);
    let item: unknown;
    let readable = true;
    try {
      item = (data as Record<string, unknown>)[rowKey];
    } catch {
      readable = false;
    }
    const primitive = item === null || (typeof item !== 'object' && typeof item !== 'function');
    if (!readable || (primitive && names === undefined)) {
      valuesColumn ??= newColumn('Values');
      put(valuesColumn, readable ? inspectCell(item) : THROWN);
    } else {
      const visit = (key: string): boolean => {
        if (full()) return false;
        let column = MapPrototypeGet(propertyColumnOf, key);
        if (column === undefined) {
          column = newColumn(key);
          MapPrototypeSet(propertyColumnOf, key, column);
          ArrayPrototypePush(propertyColumns, column);
        }
        put(column, primitive || !hasOwn(item as object, key) ? '' : readCell(item as object, key));
        return true;
      };
      if (names === undefined) eachKey(item as object, visit);
      else {
        for (let index = 0; index < names.length; index++) if (!visit(names[index]!)) break;
      }
    }
    rows++;
    return true;
  });
  const columns: Column[] = [indexColumn];
  for (let index = 0; index < propertyColumns.length; index++) ArrayPrototypePush(columns, propertyColumns[index]);
  if (valuesColumn !== undefined) ArrayPrototypePush(columns, valuesColumn);
  return render(columns);
}
