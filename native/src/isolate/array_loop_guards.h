// Part of the guards script (builtin_guards.h), spliced in where its helpers are in scope: apply,
// integer, relative, toLength, objectOf, createData, walkable, chainDepth, checkpoint, ArrayConstructor, FEW, STEPS,
// HUGE, MAX_SAFE, MAX_ARRAY_LENGTH.
#pragma once

// Every other built-in that walks the indices of an array-like (forEach, map, join, slice, splice,
// reverse, concat, String.raw, ...) does it in a native loop that never checks for termination: on
// `{ length: 2 ** 32 - 1 }` each held its thread 40 s to minutes past a 100 ms timeout, on hollow
// objects that cost no memory. Past 2^24 elements, or with a length that is not a number (so that its
// valueOf runs once), they run here as the specification reads, in loops that a timeout can stop.
// flat and flatMap always do: a huge array can hide inside a small one. Small arrays keep the built-ins.
namespace isorun {

inline constexpr const char* kArrayLoopGuards = R"js(
  const isArray = ArrayConstructor.isArray;
  const speciesKey = Symbol.species;
  const spreadableKey = Symbol.isConcatSpreadable;
  const prototype = ArrayConstructor.prototype;
  const nativeForEach = prototype.forEach;
  const nativeMap = prototype.map;
  const nativeFilter = prototype.filter;
  const nativeSome = prototype.some;
  const nativeEvery = prototype.every;
  const nativeReduce = prototype.reduce;
  const nativeReduceRight = prototype.reduceRight;
  const nativeLastIndexOf = prototype.lastIndexOf;
  const nativeJoin = prototype.join;
  const nativeToLocaleString = prototype.toLocaleString;
  const nativeSlice = prototype.slice;
  const nativeSplice = prototype.splice;
  const nativeReverse = prototype.reverse;
  const nativeCopyWithin = prototype.copyWithin;
  const nativeShift = prototype.shift;
  const nativeUnshift = prototype.unshift;
  const nativeConcat = prototype.concat;
  const nativeRaw = String.raw;
  // A length the built-in may walk itself; anything else (huge, or not a number) runs here.
  const small = (object, length) => typeof length === 'number' && walkable(object, length);
  const describeValue = (value) =>
    typeof value === 'string' ? `"${value}"` : typeof value === 'function' ? 'function'
    : value !== null && typeof value === 'object' ? '#<Object>' : String(value);
  const callable = (callback) => {
    if (typeof callback !== 'function') throw new TypeError(`${describeValue(callback)} is not a function`);
  };
  // ArraySpeciesCreate's constructor: undefined for a plain array of this realm.
  const speciesOf = (original) => {
    if (!isArray(original)) return undefined;
    let constructor = original.constructor;
    if (constructor !== null && (typeof constructor === 'object' || typeof constructor === 'function')) {
      constructor = constructor[speciesKey];
      if (constructor === null) constructor = undefined;
    }
    if (constructor === undefined || constructor === ArrayConstructor) return undefined;
    if (typeof constructor !== 'function') throw new TypeError('object.constructor[Symbol.species] is not a constructor');
    return constructor;
  };
  const speciesCreate = (original, length) => {
    const constructor = speciesOf(original);
    return new (constructor === undefined ? ArrayConstructor : constructor)(length);
  };
  const moveOrDelete = (object, from, to) => {
    if (from in object) object[to] = object[from];
    else delete object[to];
  };
  // Receivers being joined, as V8 keeps them: a cycle joins as ''. No prototype, so no guest setter.
  const joining = { __proto__: null, depth: 0 };
  const joined = (object, length, separator, element) => {
    for (let at = 0; at < joining.depth; at++) if (joining[at] === object) return '';
    joining[joining.depth++] = object;
    try {
      let text = '';
      for (let index = 0; index < length; index++, checkpoint()) {
        if (index > 0) text += separator;
        const value = object[index];
        if (value !== undefined && value !== null) text += element(value);
      }
      return text;
    } finally {
      joining.depth--;
    }
  };
  // Collects into `list`, an object without a prototype, where a plain store creates a data property as
  // the specification's CreateDataProperty does (no inherited setter can run): 5x faster than
  // defineProperty per element.
  const flattenInto = (list, source, sourceLength, start, depth, mapper, thisArg) => {
    let targetIndex = start;
    for (let index = 0; index < sourceLength; index++, checkpoint()) {
      if (!(index in source)) continue;
      let element = source[index];
      if (mapper !== undefined) element = apply(mapper, thisArg, [element, index, source]);
      if (depth > 0 && isArray(element)) {
        targetIndex = flattenInto(list, element, toLength(element.length), targetIndex, depth - 1);
      } else {
        if (targetIndex >= MAX_SAFE) throw new TypeError('Invalid array length');
        list[targetIndex++] = element;
      }
    }
    return targetIndex;
  };
  const flattened = (object, species, length, depth, mapper, thisArg) => {
    const result = species === undefined ? undefined : new species(0);
    const list = { __proto__: null, length: 0 };
    list.length = flattenInto(list, object, length, 0, depth, mapper, thisArg);
    if (result === undefined) return apply(methods.from, ArrayConstructor, [list]);
    for (let index = 0; index < list.length; index++) createData(result, index, list[index]);
    return result;
  };
  const spreadable = (value) => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
    const flag = value[spreadableKey];
    return flag !== undefined ? !!flag : isArray(value);
  };
  // The loops, apart from the methods: a method is compiled on its first call in each isolate, and
  // small ones compile fast (a snapshot boot whose library used a few paid +150 us for whole ones).
  const slowly = {
    __proto__: null,
    forEach(object, length, callback, thisArg) {
      callable(callback);
      for (let index = 0; index < length; index++, checkpoint()) {
        if (index in object) apply(callback, thisArg, [object[index], index, object]);
      }
    },
    map(object, length, callback, thisArg) {
      callable(callback);
      const result = speciesCreate(object, length);
      for (let index = 0; index < length; index++, checkpoint()) {
        if (index in object) createData(result, index, apply(callback, thisArg, [object[index], index, object]));
      }
      return result;
    },
    filter(object, length, callback, thisArg) {
      callable(callback);
      const result = speciesCreate(object, 0);
      let to = 0;
      for (let index = 0; index < length; index++, checkpoint()) {
        if (!(index in object)) continue;
        const value = object[index];
        if (apply(callback, thisArg, [value, index, object])) createData(result, to++, value);
      }
      return result;
    },
    some(object, length, callback, thisArg) {
      callable(callback);
      for (let index = 0; index < length; index++, checkpoint()) {
        if (index in object && apply(callback, thisArg, [object[index], index, object])) return true;
      }
      return false;
    },
    every(object, length, callback, thisArg) {
      callable(callback);
      for (let index = 0; index < length; index++, checkpoint()) {
        if (index in object && !apply(callback, thisArg, [object[index], index, object])) return false;
      }
      return true;
    },
    reduce(object, length, callback, initial) {
      callable(callback);
      let index = 0;
      let accumulator = initial[0];
      if (initial.length === 0) {
        while (index < length && !(index in object)) index++, checkpoint();
        if (index === length) throw new TypeError('Reduce of empty array with no initial value');
        accumulator = object[index++];
      }
      for (; index < length; index++, checkpoint()) {
        if (index in object) accumulator = callback(accumulator, object[index], index, object);
      }
      return accumulator;
    },
    reduceRight(object, length, callback, initial) {
      callable(callback);
      let index = length - 1;
      let accumulator = initial[0];
      if (initial.length === 0) {
        while (index >= 0 && !(index in object)) index--, checkpoint();
        if (index < 0) throw new TypeError('Reduce of empty array with no initial value');
        accumulator = object[index--];
      }
      for (; index >= 0; index--, checkpoint()) {
        if (index in object) accumulator = callback(accumulator, object[index], index, object);
      }
      return accumulator;
    },
    lastIndexOf(object, length, searchElement, fromIndex) {
      if (length === 0) return -1;
      let index = length - 1;
      if (fromIndex.length > 0) {
        const from = integer(fromIndex[0]);
        if (from === -Infinity) return -1;
        index = from >= 0 ? min(from, length - 1) : length + from;
      }
      for (; index >= 0; index--, checkpoint()) if (index in object && object[index] === searchElement) return index;
      return -1;
    },
    join(object, length, separator) {
      return joined(object, length, separator === undefined ? ',' : `${separator}`, (value) => `${value}`);
    },
    slice(object, length, start, end) {
      let index = relative(start, length);
      const final = end === undefined ? length : relative(end, length);
      const result = speciesCreate(object, max(final - index, 0));
      let to = 0;
      for (; index < final; index++, to++, checkpoint()) if (index in object) createData(result, to, object[index]);
      result.length = to;
      return result;
    },
    splice(object, length, start, deleteCount, items, count) {
      const actualStart = relative(start, length);
      const itemCount = items.length;
      const removed = count === 0 ? 0 : count === 1 ? length - actualStart
        : min(max(integer(deleteCount), 0), length - actualStart);
      if (length + itemCount - removed > MAX_SAFE) throw new TypeError('Invalid array length');
      const result = speciesCreate(object, removed);
      for (let index = 0; index < removed; index++, checkpoint()) {
        const from = actualStart + index;
        if (from in object) createData(result, index, object[from]);
      }
      result.length = removed;
      if (itemCount < removed) {
        for (let index = actualStart; index < length - removed; index++, checkpoint()) {
          moveOrDelete(object, index + removed, index + itemCount);
        }
        for (let index = length; index > length - removed + itemCount; index--, checkpoint()) delete object[index - 1];
      } else if (itemCount > removed) {
        for (let index = length - removed; index > actualStart; index--, checkpoint()) {
          moveOrDelete(object, index + removed - 1, index + itemCount - 1);
        }
      }
      for (let item = 0; item < itemCount; item++, checkpoint()) object[actualStart + item] = items[item];
      object.length = length - removed + itemCount;
      return result;
    },
    reverse(object, length) {
      const middle = trunc(length / 2);
      for (let lower = 0; lower !== middle; lower++, checkpoint()) {
        const upper = length - lower - 1;
        const lowerExists = lower in object;
        const lowerValue = lowerExists ? object[lower] : undefined;
        const upperExists = upper in object;
        const upperValue = upperExists ? object[upper] : undefined;
        if (upperExists) object[lower] = upperValue;
        else if (lowerExists) delete object[lower];
        if (lowerExists) object[upper] = lowerValue;
        else if (upperExists) delete object[upper];
      }
      return object;
    },
    copyWithin(object, length, target, start, end) {
      let to = relative(target, length);
      let from = relative(start, length);
      const final = end === undefined ? length : relative(end, length);
      let count = min(final - from, length - to);
      let direction = 1;
      if (from < to && to < from + count) {
        direction = -1;
        from += count - 1;
        to += count - 1;
      }
      for (; count > 0; count--, from += direction, to += direction) moveOrDelete(object, from, to);
      return object;
    },
    shift(object, length) {
      if (length === 0) {
        object.length = 0;
        return undefined;
      }
      const first = object[0];
      for (let index = 1; index < length; index++) moveOrDelete(object, index, index - 1);
      delete object[length - 1];
      object.length = length - 1;
      return first;
    },
  };
  const FunctionPrototype = Function.prototype;
  const functionCall = FunctionPrototype.call;
  const nullish = (name) => new TypeError(`Array.prototype.${name} called on null or undefined`);
  // The fast paths below are written out in each method: `native.call(this, ...)` with the arguments
  // spelled out (rest parameters, not `arguments`) lets the optimizing compiler inline the built-in
  // and its callback as it would without the guard (map on 10 elements: 28 ns either way; through a
  // helper or Reflect.apply, 100-120 ns). A guest that replaced Function.prototype.call gets apply.
  const walking = {
    __proto__: null,
    forEach(callback, thisArg = undefined) {
      if (this === null || this === undefined) throw nullish('forEach');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        if (FunctionPrototype.call === functionCall) return nativeForEach.call(this, callback, thisArg);
        return apply(nativeForEach, this, [callback, thisArg]);
      }
      return slowly.forEach(Object(this), toLength(raw), callback, thisArg);
    },
    map(callback, thisArg = undefined) {
      if (this === null || this === undefined) throw nullish('map');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        if (FunctionPrototype.call === functionCall) return nativeMap.call(this, callback, thisArg);
        return apply(nativeMap, this, [callback, thisArg]);
      }
      return slowly.map(Object(this), toLength(raw), callback, thisArg);
    },
    filter(callback, thisArg = undefined) {
      if (this === null || this === undefined) throw nullish('filter');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        if (FunctionPrototype.call === functionCall) return nativeFilter.call(this, callback, thisArg);
        return apply(nativeFilter, this, [callback, thisArg]);
      }
      return slowly.filter(Object(this), toLength(raw), callback, thisArg);
    },
    some(callback, thisArg = undefined) {
      if (this === null || this === undefined) throw nullish('some');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        if (FunctionPrototype.call === functionCall) return nativeSome.call(this, callback, thisArg);
        return apply(nativeSome, this, [callback, thisArg]);
      }
      return slowly.some(Object(this), toLength(raw), callback, thisArg);
    },
    every(callback, thisArg = undefined) {
      if (this === null || this === undefined) throw nullish('every');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        if (FunctionPrototype.call === functionCall) return nativeEvery.call(this, callback, thisArg);
        return apply(nativeEvery, this, [callback, thisArg]);
      }
      return slowly.every(Object(this), toLength(raw), callback, thisArg);
    },
    // `initial` is a rest parameter: whether it was passed matters, and `arguments` would cost ~60 ns.
    reduce(callback, ...initial) {
      if (this === null || this === undefined) throw nullish('reduce');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        const called = FunctionPrototype.call === functionCall;
        if (initial.length === 0) return called ? nativeReduce.call(this, callback) : apply(nativeReduce, this, [callback]);
        const value = initial[0];
        return called ? nativeReduce.call(this, callback, value) : apply(nativeReduce, this, [callback, value]);
      }
      return slowly.reduce(Object(this), toLength(raw), callback, initial);
    },
    reduceRight(callback, ...initial) {
      if (this === null || this === undefined) throw nullish('reduceRight');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        const called = FunctionPrototype.call === functionCall;
        if (initial.length === 0) {
          return called ? nativeReduceRight.call(this, callback) : apply(nativeReduceRight, this, [callback]);
        }
        const value = initial[0];
        return called ? nativeReduceRight.call(this, callback, value) : apply(nativeReduceRight, this, [callback, value]);
      }
      return slowly.reduceRight(Object(this), toLength(raw), callback, initial);
    },
    lastIndexOf(searchElement, ...fromIndex) {
      if (this === null || this === undefined) throw nullish('lastIndexOf');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        return apply(nativeLastIndexOf, this, fromIndex.length === 0 ? [searchElement] : [searchElement, fromIndex[0]]);
      }
      return slowly.lastIndexOf(Object(this), toLength(raw), searchElement, fromIndex);
    },
    join(separator) {
      if (this === null || this === undefined) throw nullish('join');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        if (FunctionPrototype.call === functionCall) return nativeJoin.call(this, separator);
        return apply(nativeJoin, this, [separator]);
      }
      return slowly.join(Object(this), toLength(raw), separator);
    },
    toLocaleString() {
      const object = objectOf(this, 'Array.prototype.toLocaleString');
      const raw = object.length;
      if (small(object, raw)) return apply(nativeToLocaleString, object, arguments);
      const length = toLength(raw);
      const locales = arguments[0];
      const options = arguments[1];
      return joined(object, length, ',', (value) => `${value.toLocaleString(locales, options)}`);
    },
    slice(start, end) {
      if (this === null || this === undefined) throw nullish('slice');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        if (FunctionPrototype.call === functionCall) return nativeSlice.call(this, start, end);
        return apply(nativeSlice, this, [start, end]);
      }
      return slowly.slice(Object(this), toLength(raw), start, end);
    },
    splice(start, deleteCount, ...items) {
      if (this === null || this === undefined) throw nullish('splice');
      const raw = this.length;
      // How many arguments came matters: splice(0) empties, splice(0, undefined) removes nothing.
      const count = arguments.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        if (count === 2 && FunctionPrototype.call === functionCall) return nativeSplice.call(this, start, deleteCount);
        const list = count === 0 ? [] : count === 1 ? [start] : [start, deleteCount];
        for (let item = 0; item < items.length; item++) createData(list, item + 2, items[item]);
        return apply(nativeSplice, this, list);
      }
      return slowly.splice(Object(this), toLength(raw), start, deleteCount, items, count);
    },
    reverse() {
      if (this === null || this === undefined) throw nullish('reverse');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) return apply(nativeReverse, this, []);
      return slowly.reverse(Object(this), toLength(raw));
    },
    copyWithin(target, start, end = undefined) {
      if (this === null || this === undefined) throw nullish('copyWithin');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) return apply(nativeCopyWithin, this, [target, start, end]);
      return slowly.copyWithin(Object(this), toLength(raw), target, start, end);
    },
    shift() {
      if (this === null || this === undefined) throw nullish('shift');
      const raw = this.length;
      if (typeof raw === 'number' && walkable(this, raw)) {
        if (FunctionPrototype.call === functionCall) return nativeShift.call(this);
        return apply(nativeShift, this, []);
      }
      return slowly.shift(Object(this), toLength(raw));
    },
    unshift(first) {
      const object = objectOf(this, 'Array.prototype.unshift');
      const raw = object.length;
      if (small(object, raw)) return apply(nativeUnshift, object, arguments);
      const length = toLength(raw);
      const count = arguments.length;
      if (count > 0) {
        if (length + count > MAX_SAFE) throw new TypeError('Invalid array length');
        for (let index = length; index > 0; index--) moveOrDelete(object, index - 1, index + count - 1);
        for (let item = 0; item < count; item++, checkpoint()) object[item] = arguments[item];
      }
      object.length = length + count;
      return length + count;
    },
    flat(depth = undefined) {
      const object = objectOf(this, 'Array.prototype.flat');
      const length = toLength(object.length);
      const depthNumber = depth === undefined ? 1 : max(integer(depth), 0);
      return flattened(object, speciesOf(object), length, depthNumber);
    },
    flatMap(mapper, thisArg = undefined) {
      const object = objectOf(this, 'Array.prototype.flatMap');
      const length = toLength(object.length);
      callable(mapper);
      return flattened(object, speciesOf(object), length, 1, mapper, thisArg);
    },
    concat(item) {
      const object = objectOf(this, 'Array.prototype.concat');
      let total = 0;
      for (let at = -1; at < arguments.length; at++) {
        const value = at < 0 ? object : arguments[at];
        if (spreadable(value)) {
          const raw = value.length;
          total += typeof raw !== 'number' ? Infinity : raw > FEW ? raw * chainDepth(value, STEPS / raw) : raw > 0 ? raw : 0;
        }
      }
      if (total <= STEPS) return apply(nativeConcat, object, arguments);
      const result = speciesCreate(object, 0);
      let to = 0;
      for (let at = -1; at < arguments.length; at++) {
        const value = at < 0 ? object : arguments[at];
        if (!spreadable(value)) {
          if (to >= MAX_SAFE) throw new TypeError('Invalid array length');
          createData(result, to++, value);
          continue;
        }
        const length = toLength(value.length);
        if (to + length > MAX_SAFE) throw new TypeError('Invalid array length');
        for (let index = 0; index < length; index++, to++, checkpoint()) if (index in value) createData(result, to, value[index]);
      }
      result.length = to;
      return result;
    },
    raw(template) {
      const literals = objectOf(objectOf(template, 'String.raw').raw, 'String.raw');
      const raw = literals.length;
      if (small(literals, raw)) return apply(nativeRaw, this, arguments);
      const count = toLength(raw);
      let text = '';
      for (let index = 0; index < count; index++, checkpoint()) {
        text += `${literals[index]}`;
        if (index + 1 < count && index + 1 < arguments.length) text += `${arguments[index + 1]}`;
      }
      return text;
    },
  };
  // Named stores, one each: cheaper in every new context than a loop of computed ones.
  prototype.forEach = walking.forEach;
  prototype.map = walking.map;
  prototype.filter = walking.filter;
  prototype.some = walking.some;
  prototype.every = walking.every;
  prototype.reduce = walking.reduce;
  prototype.reduceRight = walking.reduceRight;
  prototype.lastIndexOf = walking.lastIndexOf;
  prototype.join = walking.join;
  prototype.toLocaleString = walking.toLocaleString;
  prototype.slice = walking.slice;
  prototype.splice = walking.splice;
  prototype.reverse = walking.reverse;
  prototype.copyWithin = walking.copyWithin;
  prototype.shift = walking.shift;
  prototype.unshift = walking.unshift;
  prototype.flat = walking.flat;
  prototype.flatMap = walking.flatMap;
  prototype.concat = walking.concat;
  String.raw = walking.raw;
)js";

}  // namespace isorun
