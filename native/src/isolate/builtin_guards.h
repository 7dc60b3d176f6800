// Script run in every new guest context before anything else: bounds built-ins that V8 runs in C++
// without checking for interrupts, so a timeout or memory-limit termination lands in time.
#pragma once

#include <string>

#include "isolate/array_loop_guards.h"

namespace isorun {

// Array.prototype.fill on a huge sparse array (`new Array(1e8).fill(0)`) and Array.from on a huge
// array-like (`Array.from({ length: 1e8 })`) grow a dictionary in one native loop: the memory-limit
// termination cannot land and the heap grows by gigabytes. Large ones run as plain loops instead,
// which check for interrupts; small ones and iterables keep the built-ins.
// The script evaluates to a function that the engine calls once per context with `chainDepth` and
// `stackRoom`, native functions, and `warm` (Environment::InstallGuards).
inline constexpr const char* kGuardsHead = R"js((function (chainDepth, warm, stackRoom) {
  'use strict';
  // Captured now, as the built-ins hold theirs: a guest that replaces these globals changes nothing here.
  const { Object, Number, TypeError, RangeError } = globalThis;
  const nativeFill = Array.prototype.fill;
  const nativeFrom = Array.from;
  const iteratorKey = Symbol.iterator;
  const ArrayConstructor = Array;
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const trunc = Math.trunc;
  const min = Math.min;
  const max = Math.max;
  const LARGE = 1 << 20;
  const integer = (value) => {
    const number = +value;
    // + 0: ToIntegerOrInfinity gives no -0.
    return number !== number ? 0 : trunc(number) + 0;
  };
  const relative = (value, length) => {
    const index = integer(value);
    return index < 0 ? max(length + index, 0) : min(index, length);
  };
  const HUGE = 1 << 24;
  // A native walk costs its length times the objects each index lookup visits: a prototype chain
  // 1,000 deep made lastIndexOf on 2^22 elements run 15 s without checking for termination. Walks of
  // up to 16 elements stay native whatever the chain (the heap bounds its depth: ~0.3 s at 128 MB);
  // longer ones, while their length times their chain's depth stays within 2^26 (~0.2 s).
  const FEW = 16;
  const STEPS = 1 << 26;
  const walkable = (object, length) =>
    length <= FEW || (!(length > HUGE) && length * chainDepth(object, STEPS / length) <= STEPS);
  // Called once per step of the loops below, whose steps can be slow (each index looked up through a
  // deep prototype chain): V8's interpreter checks for termination on entering a function, but in a
  // loop only once its interrupt budget runs out, thousands of steps later (a chain 100,000 deep:
  // 1.3 s past a 100 ms timeout).
  const checkpoint = () => {};
  const MAX_ARRAY_LENGTH = 4294967295;
  const MAX_SAFE = Number.MAX_SAFE_INTEGER;
  const toLength = (value) => min(max(integer(value), 0), MAX_SAFE);
  const lengthOf = (object) => toLength(object.length);
  // CreateDataPropertyOrThrow: a new own property, whatever setters the prototype chain holds.
  const createData = (target, key, value) =>
    defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  const objectOf = (self, name) => {
    if (self === null || self === undefined) throw new TypeError(`${name} called on null or undefined`);
    return Object(self);
  };
  // One object literal for both (each literal costs a few microseconds in every fresh context); method
  // syntax gives functions that, like the built-ins, have no prototype and cannot be constructed.
  const methods = {
    __proto__: null,
    fill(value) {
      const object = objectOf(this, 'Array.prototype.fill');
      const length = lengthOf(object);
      if (length <= LARGE && walkable(object, length)) return apply(nativeFill, object, arguments);
      const start = arguments[1];
      const end = arguments[2];
      let index = relative(start, length);
      const final = end === undefined ? length : relative(end, length);
      for (; index < final; index++, checkpoint()) object[index] = value;
      return object;
    },
    from(items) {
      const mapper = arguments[1];
      const receiver = arguments[2];
      if (items === null || items === undefined || typeof items !== 'object' || items[iteratorKey] != null ||
          (this !== ArrayConstructor && this !== undefined) || (mapper !== undefined && typeof mapper !== 'function')) {
        return apply(nativeFrom, this, arguments);
      }
      const length = lengthOf(items);
      if (length <= LARGE && walkable(items, length)) return apply(nativeFrom, this, arguments);
      const array = new ArrayConstructor(length);
      for (let index = 0; index < length; index++, checkpoint()) {
        const value = items[index];
        const mapped = mapper === undefined ? value : apply(mapper, receiver, [value, index]);
        createData(array, index, mapped);
      }
      return array;
    },
  };
  // Plain stores keep the built-ins' attributes (writable, configurable, not enumerable).
  Array.prototype.fill = methods.fill;
  Array.from = methods.from;
  // sort and toSorted on a huge array-like (`Array.prototype.sort.call({ length: 2 ** 32 - 1 })`) make
  // V8 allocate one work array of that length: past its maximum, a fatal OOM that aborts the process.
  // On huge sparse arrays they run for minutes without checking for termination. Past 2^24 elements
  // they run here instead, as the specification reads (present elements only for sort; every index,
  // holes as undefined, for toSorted), in loops that a timeout or the memory cap can stop.
  const nativeSort = Array.prototype.sort;
  const nativeToSorted = Array.prototype.toSorted;
  // The receiver as an object, after the checks both sorting methods make first.
  const sortable = (self, comparator, name) => {
    if (comparator !== undefined && typeof comparator !== 'function') {
      throw new TypeError(`The comparison function must be either a function or undefined (${name})`);
    }
    return objectOf(self, name);
  };
  const sorting = {
    __proto__: null,
    sort(comparator) {
      const object = sortable(this, comparator, 'Array.prototype.sort');
      const length = lengthOf(object);
      if (walkable(object, length)) return apply(nativeSort, object, [comparator]);
      const items = [];
      for (let index = 0; index < length; index++, checkpoint()) if (index in object) items[items.length] = object[index];
      apply(nativeSort, items, [comparator]);
      let index = 0;
      for (; index < items.length; index++, checkpoint()) object[index] = items[index];
      for (; index < length; index++, checkpoint()) if (index in object) delete object[index];
      return object;
    },
    toSorted(comparator) {
      const object = sortable(this, comparator, 'Array.prototype.toSorted');
      const length = lengthOf(object);
      if (walkable(object, length)) return apply(nativeToSorted, object, [comparator]);
      if (length > MAX_ARRAY_LENGTH) throw new RangeError('Invalid array length');
      const items = [];
      for (let index = 0; index < length; index++, checkpoint()) items[index] = object[index];
      return apply(nativeSort, items, [comparator]);
    },
  };
  Array.prototype.sort = sorting.sort;
  Array.prototype.toSorted = sorting.toSorted;
  // toReversed, with and toSpliced copy into a new array of the receiver's length: on a huge array-like
  // V8's grow a dictionary past its maximum, another fatal OOM ('invalid table size'), after minutes
  // that no timeout stops. Past 2^24 elements they run here as the specification reads.
  const nativeToReversed = Array.prototype.toReversed;
  const nativeWith = Array.prototype.with;
  const nativeToSpliced = Array.prototype.toSpliced;
  const copying = {
    __proto__: null,
    toReversed() {
      const object = objectOf(this, 'Array.prototype.toReversed');
      const length = lengthOf(object);
      if (walkable(object, length)) return apply(nativeToReversed, object, []);
      if (length > MAX_ARRAY_LENGTH) throw new RangeError('Invalid array length');
      const result = [];
      for (let index = 0; index < length; index++, checkpoint()) result[index] = object[length - 1 - index];
      return result;
    },
    with(index, value) {
      const object = objectOf(this, 'Array.prototype.with');
      const length = lengthOf(object);
      if (walkable(object, length)) return apply(nativeWith, object, [index, value]);
      const offset = integer(index);
      const actual = offset >= 0 ? offset : length + offset;
      if (actual >= length || actual < 0) throw new RangeError('Invalid index : ' + index);
      if (length > MAX_ARRAY_LENGTH) throw new RangeError('Invalid array length');
      const result = [];
      for (let at = 0; at < length; at++, checkpoint()) result[at] = at === actual ? value : object[at];
      return result;
    },
    toSpliced(start, skipCount) {
      const object = objectOf(this, 'Array.prototype.toSpliced');
      const length = lengthOf(object);
      if (walkable(object, length)) return apply(nativeToSpliced, object, arguments);
      const actualStart = relative(start, length);
      const insert = arguments.length > 2 ? arguments.length - 2 : 0;
      const skip = arguments.length === 0 ? 0 : arguments.length === 1 ? length - actualStart
        : min(max(integer(skipCount), 0), length - actualStart);
      const newLength = length + insert - skip;
      if (newLength > MAX_SAFE) throw new TypeError('Invalid array length');
      if (newLength > MAX_ARRAY_LENGTH) throw new RangeError('Invalid array length');
      const result = [];
      let at = 0;
      for (; at < actualStart; at++, checkpoint()) result[at] = object[at];
      for (let item = 0; item < insert; item++) result[at++] = arguments[item + 2];
      for (let from = actualStart + skip; from < length; from++, checkpoint()) result[at++] = object[from];
      return result;
    },
  };
  Array.prototype.toReversed = copying.toReversed;
  Array.prototype.with = copying.with;
  Array.prototype.toSpliced = copying.toSpliced;
  // String.prototype.split, RegExp's @@split, @@match and @@replace and JSON.parse size their result
  // arrays in one allocation: past V8's largest (2^27 - 2 elements) that is a fatal error that aborts
  // the process (`'ab'.repeat(2 ** 27).split('')`, crbug.com/1201626), and V8 flattens a string of 2^27
  // characters even in a 128 MB isolate. A result has at most one element per character (JSON: per two),
  // so shorter inputs keep the built-ins; longer ones split here in a loop, the others throw RangeError.
  const SAFE_LENGTH = (1 << 27) - (1 << 16);
  const nativeSplit = String.prototype.split;
  const stringIndexOf = String.prototype.indexOf;
  const stringSlice = String.prototype.slice;
  const nativeParse = JSON.parse;
  const splitKey = Symbol.split;
  const matchKey = Symbol.match;
  const replaceKey = Symbol.replace;
  const matchAllKey = Symbol.matchAll;
  const searchKey = Symbol.search;
  const regExpSplit = RegExp.prototype[splitKey];
  const regExpMatch = RegExp.prototype[matchKey];
  const regExpReplace = RegExp.prototype[replaceKey];
  const tooLong = (what, most) => new RangeError(`${what} of a string over ${most} characters is not supported`);
  // The string a RegExp symbol method works on: over SAFE_LENGTH it would size one array past V8's largest.
  const regExpText = (string, name) => {
    const text = `${string}`;
    if (text.length > SAFE_LENGTH) throw tooLong(`RegExp.prototype[Symbol.${name}]`, SAFE_LENGTH);
    return text;
  };
  const isObject = (value) => (typeof value === 'object' && value !== null) || typeof value === 'function';
  // Global replace and match on a long string gather every match in one native loop before anything
  // else runs (`'ab'.repeat(2 ** 26).replaceAll('a', 'cc')`: 219 s and 4.3 GB of RSS in a 128 MB isolate;
  // a regular expression's global replace or match of 2^25 matches: 2 s and +1 GB), and a replacement
  // string keeps V8 off the path that calls back per match. Past 2^20 characters they run here as the
  // specification writes them, one `exec` per match in a loop that a termination stops, with a
  // replacement string applied by `substitution` (GetSubstitution) through the per-match path.
  const nativeReplaceAll = String.prototype.replaceAll;
  // encodeURI, encodeURIComponent and normalize copy a long string through ICU's buffers outside the
  // heap, without checking for termination: 2^26 'é' took +783 MB of RSS and 2.1 s (encodeURI) or
  // +704 MB and 1.5 s (normalize('NFD')) in a 128 MB isolate. Past 2^20 characters they run on pieces
  // of 2^16, cut where the result cannot depend on the cut: encoding between code points, normalizing
  // before a character that starts a segment in every form (see `segmentStart`).
  const nativeEncodeURI = encodeURI;
  const nativeEncodeURIComponent = encodeURIComponent;
  const nativeNormalize = String.prototype.normalize;
  // lastIndexOf searches naively, O(length x pattern) without checking for termination:
  // 'a'.repeat(2 ** 26).lastIndexOf('a'.repeat(2 ** 16) + 'b') ran over 120 s. On long strings with a
  // long pattern it searches backward window by window (each ~2^24 comparisons at most).
  const stringLastIndexOf = String.prototype.lastIndexOf;
  const charCodeAt = String.prototype.charCodeAt;
  const nativeExec = RegExp.prototype.exec;
  // Every `exec` of the guards' own goes through the stack check below (`patterns.exec`).
  const builtinExec = (rx, string) => apply(patterns.exec, rx, [string]);
  const codePointAt = String.prototype.codePointAt;
  const stringIncludes = String.prototype.includes;
  const setPrototypeOf = Object.setPrototypeOf;
  const ArrayPrototype = Array.prototype;
  const RegExpConstructor = RegExp;
  const species = Symbol.species;
  // The long-string paths below are made on first use: a fresh context pays for one closure, not twenty.
  let slowPaths;
  const slow = () =>
    (slowPaths ??= (() => {
    const advance = (string, index, unicode) =>
      !unicode || index + 1 >= string.length ? index + 1 : index + (apply(codePointAt, string, [index]) > 0xffff ? 2 : 1);
    const regExpExec = (rx, string) => {
      const exec = rx.exec;
      if (typeof exec !== 'function') return builtinExec(rx, string);
      const result = apply(exec, rx, [string]);
      if (result !== null && !isObject(result)) throw new TypeError('exec must return an object or null');
      return result;
    };
    const flagsOf = (rx) => {
      const flags = `${rx.flags}`;
      const unicode = apply(stringIncludes, flags, ['u']) || apply(stringIncludes, flags, ['v']);
      return { flags, global: apply(stringIncludes, flags, ['g']), unicode };
    };
    // Arrays built here hold no prototype until done, so a guest's setters on Array.prototype's indices
    // neither slow nor see the stores.
    const bare = () => setPrototypeOf([], null);
    const done = (array) => setPrototypeOf(array, ArrayPrototype);
    // Each match of a global `rx`, as @@match and @@replace collect them.
    const eachMatch = (rx, string, unicode, each) => {
      rx.lastIndex = 0;
      for (let count = 0; ; count++, checkpoint()) {
        const result = regExpExec(rx, string);
        if (result === null) return;
        if (count >= SAFE_LENGTH) throw new RangeError('Invalid array length');
        const matched = `${result[0]}`;
        each(result, matched);
        if (matched === '') rx.lastIndex = advance(string, toLength(rx.lastIndex), unicode);
      }
    };
    // A replacement template (GetSubstitution), parsed once the number of captures is known: literal parts
    // (kind 0), $& (1), $` (2), $' (3), $n (4) and $<name> (5).
    const parseTemplate = (template, captures, named) => {
      const kinds = bare();
      const values = bare();
      let literal = '';
      const push = (kind, value) => {
        if (literal !== '') (kinds[kinds.length] = 0), (values[values.length] = literal);
        literal = '';
        kinds[kinds.length] = kind;
        values[values.length] = value;
      };
      const digit = (at) => at < template.length && template[at] >= '0' && template[at] <= '9';
      for (let at = 0; at < template.length; ) {
        const next = template[at + 1];
        if (template[at] !== '$' || next === undefined) literal += template[at++];
        else if (next === '$') (literal += '$'), (at += 2);
        else if (next === '&' || next === '`' || next === "'") push(next === '&' ? 1 : next === '`' ? 2 : 3, 0), (at += 2);
        else if (digit(at + 1)) {
          let digits = digit(at + 2) ? 2 : 1;
          let index = digits === 2 ? +apply(stringSlice, template, [at + 1, at + 3]) : +next;
          if (index > captures && digits === 2) (digits = 1), (index = +next);
          if (index >= 1 && index <= captures) push(4, index);
          else literal += apply(stringSlice, template, [at, at + 1 + digits]);
          at += 1 + digits;
        } else if (next === '<' && named) {
          const close = apply(stringIndexOf, template, ['>', at + 2]);
          if (close === -1) (literal += '$<'), (at += 2);
          else push(5, apply(stringSlice, template, [at + 2, close])), (at = close + 1);
        } else (literal += '$'), at++;
      }
      if (literal !== '' || kinds.length === 0) push(0, literal);
      return { kinds, values };
    };
    // The template applied to one match; `source[n]` is capture n.
    const expand = ({ kinds, values }, source, matched, position, string, groups) => {
      if (kinds.length === 1 && kinds[0] === 0) return values[0];
      let result = '';
      for (let part = 0; part < kinds.length; part++) {
        const kind = kinds[part];
        if (kind === 0) result += values[part];
        else if (kind === 1) result += matched;
        else if (kind === 2) result += apply(stringSlice, string, [0, position]);
        else if (kind === 3) result += apply(stringSlice, string, [min(position + matched.length, string.length)]);
        else {
          const capture = kind === 4 ? source[values[part]] : groups[values[part]];
          if (capture !== undefined) result += `${capture}`;
        }
      }
      return result;
    };
    // The template as a replacer function, called as V8 calls one: (matched, ...captures, position, string, groups?).
    const substitution = (template) => {
      let parsed;
      return function () {
        const count = arguments.length;
        const named = typeof arguments[count - 1] === 'object';
        const position = arguments[count - (named ? 3 : 2)];
        parsed ??= parseTemplate(template, count - (named ? 4 : 3), named);
        return expand(parsed, arguments, arguments[0], position, arguments[count - (named ? 2 : 1)], arguments[count - 1]);
      };
    };
    // RegExp.prototype[@@replace] (ECMA-262 22.2.6.11) from `flags` on. With the built-in exec and a
    // replacement string nothing can tell when matches are found: each is replaced as it is found.
    const replaceSlowly = (rx, string, replaceValue) => {
      const functional = typeof replaceValue === 'function';
      const template = functional ? undefined : `${replaceValue}`;
      const { global, unicode } = flagsOf(rx);
      let accumulated = '';
      let next = 0;
      let parsed;
      const replace = (result, matched, replacement) => {
        const position = max(min(integer(result.index), string.length), 0);
        if (position < next) return;
        accumulated += apply(stringSlice, string, [next, position]) + replacement(position);
        next = position + matched.length;
      };
      if (!functional && rx.exec === patterns.exec) {
        const each = (result, matched) =>
          replace(result, matched, (position) => {
            parsed ??= parseTemplate(template, result.length - 1, result.groups !== undefined);
            return expand(parsed, result, matched, position, string, result.groups);
          });
        if (global) eachMatch(rx, string, unicode, each);
        else {
          const result = builtinExec(rx, string);
          if (result !== null) each(result, result[0]);
        }
      } else {
        const results = bare();
        if (global) eachMatch(rx, string, unicode, (result) => (results[results.length] = result));
        else {
          const result = regExpExec(rx, string);
          if (result !== null) results[0] = result;
        }
        for (let index = 0; index < results.length; index++, checkpoint()) {
          const result = results[index];
          const count = max(lengthOf(result) - 1, 0);
          const matched = `${result[0]}`;
          const captures = bare();
          captures[0] = matched;
          for (let n = 1; n <= count; n++) {
            const capture = result[n];
            captures[n] = capture === undefined ? undefined : `${capture}`;
          }
          let groups = result.groups;
          replace(result, matched, (position) => {
            if (functional) {
              captures[count + 1] = position;
              captures[count + 2] = string;
              if (groups !== undefined) captures[count + 3] = groups;
              return `${apply(replaceValue, undefined, done(captures))}`;
            }
            if (groups !== undefined) {
              if (groups === null) throw new TypeError('Cannot convert undefined or null to object');
              groups = Object(groups);
            }
            parsed ??= parseTemplate(template, count, groups !== undefined);
            return expand(parsed, captures, matched, position, string, groups);
          });
        }
      }
      return next >= string.length ? accumulated : accumulated + apply(stringSlice, string, [next]);
    };
    // RegExp.prototype[@@split] (ECMA-262 22.2.6.14) from the species constructor on. A plain RegExp with
    // the built-in exec cannot tell how its positions are tried: it finds each next match with a global
    // copy of itself instead of one sticky attempt per position (the same matches, far fewer calls).
    const splitSlowly = (rx, string, limit) => {
      let Constructor = rx.constructor;
      if (Constructor === undefined) Constructor = RegExpConstructor;
      else {
        if (!isObject(Constructor)) throw new TypeError('object.constructor is not an object');
        Constructor = Constructor[species];
        if (Constructor === undefined || Constructor === null) Constructor = RegExpConstructor;
      }
      const { flags, unicode } = flagsOf(rx);
      const splitter = new Constructor(rx, apply(stringIncludes, flags, ['y']) ? flags : `${flags}y`);
      const parts = bare();
      const most = limit === undefined ? MAX_ARRAY_LENGTH : limit >>> 0;
      if (most === 0) return done(parts);
      const size = string.length;
      const add = (part) => {
        if (parts.length >= SAFE_LENGTH) throw new RangeError('Invalid array length');
        parts[parts.length] = part;
        return parts.length === most;
      };
      let searcher;
      if (Constructor === RegExpConstructor && splitter.exec === patterns.exec) {
        let searchFlags = 'g';
        for (let at = 0; at < flags.length; at++) if (flags[at] !== 'y' && flags[at] !== 'g') searchFlags += flags[at];
        searcher = new RegExpConstructor(splitter.source, searchFlags);
      }
      let p = 0;
      for (let q = 0; q < size; checkpoint()) {
        let match;
        let start = q;
        let end;
        if (searcher !== undefined) {
          searcher.lastIndex = q;
          match = builtinExec(searcher, string);
          if (match === null || match.index >= size) break;
          start = match.index;
          end = min(searcher.lastIndex, size);
        } else {
          splitter.lastIndex = q;
          match = regExpExec(splitter, string);
          if (match === null) {
            q = advance(string, q, unicode);
            continue;
          }
          end = min(toLength(splitter.lastIndex), size);
        }
        if (end === p) {
          q = advance(string, start, unicode);
          continue;
        }
        if (add(apply(stringSlice, string, [p, start]))) return done(parts);
        p = end;
        const captures = max(lengthOf(match) - 1, 0);
        for (let index = 1; index <= captures; index++) if (add(match[index])) return done(parts);
        q = p;
      }
      if (size === 0 && regExpExec(splitter, string) !== null) return done(parts);
      add(apply(stringSlice, string, [p, size]));
      return done(parts);
    };
      const PIECE = 1 << 16;
      const encodeInPieces = (encode, string) => {
        let result = '';
        for (let start = 0; start < string.length; checkpoint()) {
          let end = min(start + PIECE, string.length);
          const last = apply(charCodeAt, string, [end - 1]);
          if (end < string.length && last >= 0xd800 && last <= 0xdbff) end++;
          result += encode(apply(stringSlice, string, [start, end]));
          start = end;
        }
        return result;
      };
      // Starters that never combine with what precedes them and whose decompositions (canonical and
      // compatibility) begin with a starter: Latin up to the spacing modifiers, CJK ideographs, Hangul
      // syllables. Normalizing the pieces on either side of one gives the whole's normal form.
      const segmentStart = (code) =>
        code <= 0x2ff || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0x4e00 && code <= 0x9fff) ||
        (code >= 0xac00 && code <= 0xd7a3);
      const normalizeInPieces = (string, form) => {
        let result = '';
        for (let start = 0; start < string.length; checkpoint()) {
          let end = min(start + PIECE, string.length);
          while (end < string.length && !segmentStart(apply(charCodeAt, string, [end]))) end++;
          result += apply(nativeNormalize, apply(stringSlice, string, [start, end]), [form]);
          start = end;
        }
        return result;
      };
      return {
        eachMatch, flagsOf, regExpExec, replaceSlowly, splitSlowly, substitution, bare, done, encodeInPieces,
        normalizeInPieces,
      };
    })());
  // %TypedArray%.from and set with an array-like source (`Int8Array.from({ length: 2 ** 26 })`) fill in
  // a native loop that keeps a handle per element and never checks for termination: 1.1 GB of RSS and
  // 3.6 s for 2^26 elements in a 128 MB isolate. Past 2^20 elements from an object that is not a view
  // or an iterable, they fill here in a loop that a timeout stops and that holds nothing. The eleven
  // constructors take the same native path (`new Int8Array({ length: 2 ** 26 })`): see `typedProxies`.
  const TypedArray = Object.getPrototypeOf(Int8Array.prototype).constructor;
  const isView = ArrayBuffer.isView;
  const nativeTypedFrom = TypedArray.from;
  const nativeTypedSet = TypedArray.prototype.set;
  const typedLength = Object.getOwnPropertyDescriptor(TypedArray.prototype, 'length').get;
  // The length of a source the native copy would walk element by element, or -1.
  const hugeArrayLike = (source) => {
    if (!isObject(source) || isView(source) || source[iteratorKey] != null) return -1;
    const length = lengthOf(source);
    return length > LARGE ? length : -1;
  };
  const fill = (target, source, length, offset) => {
    for (let index = 0; index < length; index++, checkpoint()) target[offset + index] = source[index];
    return target;
  };
  // One literal for all of these (each literal costs every fresh context a few microseconds).
  const sizing = {
    __proto__: null,
    split(separator, limit) {
      if (this === null || this === undefined || (typeof this === 'string' && this.length <= LARGE)) {
        return apply(nativeSplit, this, arguments);
      }
      const string = `${this}`;
      if (string.length <= LARGE) return apply(nativeSplit, string, [separator, limit]);
      if (separator !== null && separator !== undefined) {
        const splitter = separator[splitKey];
        if (splitter !== null && splitter !== undefined) return apply(splitter, separator, [string, limit]);
      }
      const most = limit === undefined ? MAX_ARRAY_LENGTH : limit >>> 0;
      const pattern = `${separator}`;
      if (most === 0) return [];
      if (separator === undefined) return [string];
      const { bare, done } = slow();
      const parts = bare();
      if (pattern === '') {
        const count = min(string.length, most, SAFE_LENGTH);
        for (let index = 0; index < count; index++, checkpoint()) parts[index] = string[index];
        if (count < min(string.length, most)) throw new RangeError('Invalid array length');
        return done(parts);
      }
      let from = 0;
      for (let at = apply(stringIndexOf, string, [pattern, 0]); at !== -1; checkpoint()) {
        if (parts.length >= SAFE_LENGTH) throw new RangeError('Invalid array length');
        parts[parts.length] = apply(stringSlice, string, [from, at]);
        if (parts.length === most) return done(parts);
        from = at + pattern.length;
        at = apply(stringIndexOf, string, [pattern, from]);
      }
      parts[parts.length] = apply(stringSlice, string, [from]);
      return done(parts);
    },
    [splitKey](string, limit) {
      if (!isObject(this)) return apply(regExpSplit, this, arguments);
      const text = regExpText(string, 'split');
      if (text.length <= LARGE) return apply(regExpSplit, this, [text, limit]);
      return slow().splitSlowly(this, text, limit);
    },
    [matchKey](string) {
      if (!isObject(this)) return apply(regExpMatch, this, arguments);
      const text = regExpText(string, 'match');
      if (text.length <= LARGE) return apply(regExpMatch, this, [text]);
      const { eachMatch, flagsOf, regExpExec, bare, done } = slow();
      const { global, unicode } = flagsOf(this);
      if (!global) return regExpExec(this, text);
      const matches = bare();
      eachMatch(this, text, unicode, (result, matched) => (matches[matches.length] = matched));
      return matches.length === 0 ? null : done(matches);
    },
    [replaceKey](string, replaceValue) {
      if (!isObject(this)) return apply(regExpReplace, this, arguments);
      const text = regExpText(string, 'replace');
      if (text.length <= LARGE) return apply(regExpReplace, this, [text, replaceValue]);
      return slow().replaceSlowly(this, text, replaceValue);
    },
    replaceAll(searchValue, replaceValue) {
      if (this === null || this === undefined || (typeof this === 'string' && this.length <= LARGE)) {
        return apply(nativeReplaceAll, this, arguments);
      }
      const string = `${this}`;
      if (string.length <= LARGE || typeof replaceValue === 'function') {
        return apply(nativeReplaceAll, string, [searchValue, replaceValue]);
      }
      // A search value with a replacer of its own (a regular expression's is the guarded @@replace above)
      // gets the replacement as given; a string search calls back per match with the template applied.
      if (isObject(searchValue)) {
        const replacer = searchValue[replaceKey];
        if (replacer !== undefined && replacer !== null) {
          return apply(nativeReplaceAll, string, [searchValue, replaceValue]);
        }
      }
      return apply(nativeReplaceAll, string, [searchValue, slow().substitution(`${replaceValue}`)]);
    },
    normalize() {
      if (this === null || this === undefined || (typeof this === 'string' && this.length <= LARGE)) {
        return apply(nativeNormalize, this, arguments);
      }
      const string = `${this}`;
      const form = arguments[0];
      const name = form === undefined ? 'NFC' : `${form}`;
      if (string.length <= LARGE || (name !== 'NFC' && name !== 'NFD' && name !== 'NFKC' && name !== 'NFKD')) {
        return apply(nativeNormalize, string, [name]);
      }
      return slow().normalizeInPieces(string, name);
    },
    lastIndexOf(searchString) {
      if (this === null || this === undefined || (typeof this === 'string' && this.length <= LARGE)) {
        return apply(stringLastIndexOf, this, arguments);
      }
      const string = `${this}`;
      const search = `${searchString}`;
      const position = +arguments[1];
      if (string.length <= LARGE || search.length <= 64) return apply(stringLastIndexOf, string, [search, position]);
      const length = string.length;
      let start = min(max(position !== position ? length : integer(position), 0), length);
      if (start + search.length > length) start = length - search.length;
      const window = max(1, ((1 << 24) / search.length) | 0);
      for (let high = start; high >= 0; high -= window, checkpoint()) {
        const low = max(0, high - window + 1);
        const found = apply(stringLastIndexOf, apply(stringSlice, string, [low, high + search.length]), [search]);
        if (found !== -1) return low + found;
      }
      return -1;
    },
    encodeURI(uri) {
      const string = `${uri}`;
      return string.length <= LARGE ? nativeEncodeURI(string) : slow().encodeInPieces(nativeEncodeURI, string);
    },
    encodeURIComponent(component) {
      const string = `${component}`;
      return string.length <= LARGE
        ? nativeEncodeURIComponent(string)
        : slow().encodeInPieces(nativeEncodeURIComponent, string);
    },
    parse(text, reviver) {
      const source = typeof text === 'string' ? text : `${text}`;
      if (source.length > 2 * SAFE_LENGTH) throw tooLong('JSON.parse', 2 * SAFE_LENGTH);
      return apply(nativeParse, JSON, [source, reviver]);
    },
    from(source) {
      const length = arguments.length === 1 ? hugeArrayLike(source) : -1;
      if (length < 0 || typeof this !== 'function') return apply(nativeTypedFrom, this, arguments);
      return fill(new this(length), source, length, 0);
    },
    set(source) {
      const length = hugeArrayLike(source);
      if (length < 0) return apply(nativeTypedSet, this, arguments);
      const targetLength = apply(typedLength, this, []); // a TypeError unless a typed array
      const offset = integer(arguments[1]);
      if (offset < 0 || offset + length > targetLength) throw new RangeError('offset is out of bounds');
      fill(this, source, length, offset);
    },
  };
  String.prototype.split = sizing.split;
  RegExp.prototype[splitKey] = sizing[splitKey];
  RegExp.prototype[matchKey] = sizing[matchKey];
  RegExp.prototype[replaceKey] = sizing[replaceKey];
  String.prototype.replaceAll = sizing.replaceAll;
  String.prototype.normalize = sizing.normalize;
  String.prototype.lastIndexOf = sizing.lastIndexOf;
  globalThis.encodeURI = sizing.encodeURI;
  globalThis.encodeURIComponent = sizing.encodeURIComponent;
  JSON.parse = sizing.parse;
  TypedArray.from = sizing.from;
  TypedArray.prototype.set = sizing.set;
  // Each typed-array constructor becomes a proxy of itself (statics, `prototype`, `name` and subclassing
  // pass through) whose construct trap fills array-like sources here: `length` read once, then a loop
  // that a timeout stops. Everything else (lengths, buffers, views, iterables) goes straight to the
  // native constructor. Proxies rather than wrapper functions (~60 µs): `createContextSync` + `release`
  // went 410 -> 437 µs, mostly the stores onto the eleven prototypes and the global.
  const typedNatives = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
  const typedProxies = [];
  const construct = Reflect.construct;
  const bufferLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  const sharedBufferLength = typeof SharedArrayBuffer === 'function'
    ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get : bufferLength;
  // The byteLength getters are brand checks: they throw for anything but their own kind of buffer.
  const isBuffer = (value) => {
    try {
      apply(bufferLength, value, []);
      return true;
    } catch {}
    try {
      apply(sharedBufferLength, value, []);
      return true;
    } catch {}
    return false;
  };
  const typedTraps = {
    __proto__: null,
    construct(Native, args, newTarget) {
      // `new Int8Array(x)` reaches here with the proxy as new.target: the native one keeps V8's fast path.
      for (let index = 0; index < typedProxies.length; index++) {
        if (typedProxies[index] === newTarget) newTarget = Native;
      }
      const source = args[0];
      if (!isObject(source) || isView(source) || isBuffer(source) || source[iteratorKey] != null) {
        return construct(Native, args, newTarget);
      }
      const length = lengthOf(source);
      return fill(construct(Native, [length], newTarget), source, length, 0);
    },
  };
  for (let index = 0; index < typedNatives.length; index++) {
    const Native = typedNatives[index];
    const proxy = new Proxy(Native, typedTraps);
    typedProxies[index] = proxy;
    Native.prototype.constructor = proxy;
    globalThis[Native.name] = proxy;
  }
  // Function.prototype.apply, Reflect.apply and Reflect.construct build the whole argument list before
  // finding that it cannot fit the stack: `Math.max.apply(null, { length: 2 ** 27 - 1000 })` took 4.7 s
  // and +2 GB of RSS. A list over 2^17 never fits a guest's 984 KB of stack, so it is the same RangeError,
  // at once; shorter ones go to the built-ins.
  const ARGUMENTS_MOST = 1 << 17;
  const nativeFunctionApply = Function.prototype.apply;
  const nativeConstruct = Reflect.construct;
  const checkArguments = (list) => {
    if (isObject(list) && lengthOf(list) > ARGUMENTS_MOST) throw new RangeError('Maximum call stack size exceeded');
  };
  const functionCalls = {
    __proto__: null,
    apply(thisArg, argArray) {
      checkArguments(argArray);
      return apply(nativeFunctionApply, this, arguments);
    },
  };
  const reflectCalls = {
    __proto__: null,
    apply(target, thisArgument, argumentsList) {
      checkArguments(argumentsList);
      return apply(apply, undefined, arguments);
    },
    construct(target, argumentsList) {
      checkArguments(argumentsList);
      return apply(nativeConstruct, undefined, arguments);
    },
  };
  Function.prototype.apply = functionCalls.apply;
  Reflect.apply = reflectCalls.apply;
  Reflect.construct = reflectCalls.construct;
  // A regular expression's pattern is parsed when it is made, without checking for termination, into
  // memory outside the heap: `new RegExp('(?:a|b)'.repeat(2 ** 21))` (14 MB) took 1.1 s and +1.15 GB of
  // RSS. Patterns over 2^18 characters (~20 MB to parse) are a SyntaxError wherever a string becomes a
  // pattern: the constructor (a proxy of itself, as the typed arrays'), `compile`, and `match`,
  // `matchAll` and `search` given something other than a regular expression. A pattern that is an
  // object other than a RegExp may have its toString called once more.
  const PATTERN_MOST = 1 << 18;
  const NativeRegExp = RegExp;
  const regExpSource = Object.getOwnPropertyDescriptor(NativeRegExp.prototype, 'source').get;
  const nativeCompile = NativeRegExp.prototype.compile;
  const nativeMatch = String.prototype.match;
  const nativeMatchAll = String.prototype.matchAll;
  const nativeSearch = String.prototype.search;
  const checkPattern = (pattern) => {
    let source = pattern;
    if (isObject(pattern)) {
      try {
        apply(regExpSource, pattern, []);
        return; // a RegExp: its pattern was parsed when it was made
      } catch {}
      if (pattern[matchKey]) source = pattern.source;
    }
    if (source === undefined) return;
    if (`${source}`.length > PATTERN_MOST) {
      throw new SyntaxError(`Invalid regular expression: a pattern over ${PATTERN_MOST} characters is not supported`);
    }
  };
  // Compiling nests ~100 bytes of stack per group (10,000 levels met V8's 984 KB limit): patterns nest
  // at most 1,000 groups deep, and `exec` starts with 256 KB of room.
  const EXEC_ROOM = 256 * 1024;
  const NESTING_MOST = 1000;
  let nestingChecked = new Map();
  const checkNesting = (rx) => {
    let source;
    try {
      source = apply(regExpSource, rx, []);
    } catch {
      return; // not a RegExp: the built-in exec throws
    }
    if (source.length <= 2 * NESTING_MOST || nestingChecked.has(source)) return;
    let depth = 0;
    let most = 0;
    let classes = 0;
    for (let at = 0; at < source.length; at++, checkpoint()) {
      const char = source[at];
      if (char === '\\') at++;
      else if (char === '[') classes++;
      else if (char === ']' && classes > 0) classes--;
      else if (classes === 0 && char === '(') most = max(most, ++depth);
      else if (classes === 0 && char === ')') depth--;
    }
    if (most > NESTING_MOST) {
      throw new SyntaxError(`Invalid regular expression: groups nested over ${NESTING_MOST} deep are not supported`);
    }
    if (nestingChecked.size >= 64) nestingChecked = new Map();
    nestingChecked.set(source, true);
  };
  // What String.prototype.match, matchAll and search make a RegExp from (anything without a matcher).
  const checkCreated = (regexp, key) => {
    if (regexp !== undefined && regexp !== null && (!isObject(regexp) || regexp[key] == null)) checkPattern(regexp);
  };
  let regExpProxy;
  const patterns = {
    __proto__: null,
    construct(Native, args, newTarget) {
      checkPattern(args[0]);
      return construct(Native, args, newTarget === regExpProxy ? Native : newTarget);
    },
    apply(Native, thisArg, args) {
      const pattern = args[0];
      // RegExp(re) is re itself when re is a RegExp made by this constructor.
      if (args[1] === undefined && isObject(pattern) && pattern[matchKey] && pattern.constructor === regExpProxy) {
        return pattern;
      }
      checkPattern(pattern);
      return apply(Native, thisArg, args);
    },
    exec(string) {
      // V8 compiles a pattern on its first exec, and its compiler ends the whole process if it meets the
      // stack limit (a pattern nested 10,000 deep, or `/(?:a(?:a))/.test(s)` in a catch of a stack
      // overflow). Every matching built-in goes through `exec` here, the guards having changed
      // RegExp.prototype: each checks the room first, and a long pattern's nesting once.
      if (stackRoom() < EXEC_ROOM) throw new RangeError('Maximum call stack size exceeded');
      checkNesting(this);
      return apply(nativeExec, this, [string]);
    },
    compile(pattern, flags) {
      checkPattern(pattern);
      return apply(nativeCompile, this, arguments);
    },
    match(regexp) {
      checkCreated(regexp, matchKey);
      return apply(nativeMatch, this, arguments);
    },
    matchAll(regexp) {
      checkCreated(regexp, matchAllKey);
      return apply(nativeMatchAll, this, arguments);
    },
    search(regexp) {
      checkCreated(regexp, searchKey);
      return apply(nativeSearch, this, arguments);
    },
  };
  regExpProxy = new Proxy(NativeRegExp, patterns);
  NativeRegExp.prototype.constructor = regExpProxy;
  NativeRegExp.prototype.compile = patterns.compile;
  NativeRegExp.prototype.exec = patterns.exec;
  String.prototype.match = patterns.match;
  String.prototype.matchAll = patterns.matchAll;
  String.prototype.search = patterns.search;
  globalThis.RegExp = regExpProxy;
)js";

inline constexpr const char* kGuardsTail = R"js(
  // Resizable and growable buffers take their memory from V8's page allocator, around the ArrayBuffer
  // allocator that enforces the memory cap (4 x 128 MB of them in a 64 MB isolate). The constructors
  // ignore `maxByteLength`, as engines before ES2024 do (`resize` / `grow` then throw, as on any fixed
  // buffer). This runs in every new context, so it takes cheap steps (~10 us): a plain store for
  // `prototype`, copies of the statics (`isView`, `Symbol.species`), and no link to the native
  // constructors that a guest could follow.
  // Skipped where the process runs with --no-harmony-rab-gsab (the server does): no resizable buffers.
  if (typeof ArrayBuffer.prototype.resize === 'function') {
    const construct = Reflect.construct;
    const describe = Object.getOwnPropertyDescriptor;
    const species = Symbol.species;
    const NativeArrayBuffer = ArrayBuffer;
    const NativeSharedArrayBuffer = SharedArrayBuffer;
    const FixedArrayBuffer = function ArrayBuffer(length) {
      if (new.target === undefined) throw new TypeError("Constructor ArrayBuffer requires 'new'");
      return construct(NativeArrayBuffer, [length], new.target);
    };
    const FixedSharedArrayBuffer = function SharedArrayBuffer(length) {
      if (new.target === undefined) throw new TypeError("Constructor SharedArrayBuffer requires 'new'");
      return construct(NativeSharedArrayBuffer, [length], new.target);
    };
    defineProperty(FixedArrayBuffer, 'isView', describe(NativeArrayBuffer, 'isView'));
    defineProperty(FixedArrayBuffer, species, describe(NativeArrayBuffer, species));
    defineProperty(FixedSharedArrayBuffer, species, describe(NativeSharedArrayBuffer, species));
    FixedArrayBuffer.prototype = NativeArrayBuffer.prototype;
    FixedSharedArrayBuffer.prototype = NativeSharedArrayBuffer.prototype;
    NativeArrayBuffer.prototype.constructor = FixedArrayBuffer;
    NativeSharedArrayBuffer.prototype.constructor = FixedSharedArrayBuffer;
    globalThis.ArrayBuffer = FixedArrayBuffer;
    globalThis.SharedArrayBuffer = FixedSharedArrayBuffer;
  }
  // ICU's objects behind Intl live outside V8's heap, where the memory cap does not see them: 20,000
  // DateTimeFormats took 500 MB and 300 segmenters' iterators 1.8 GB in a 16 MB isolate. Each Intl
  // object made here holds an ArrayBuffer as large as its ICU memory (measured: a DateTimeFormat ~29 KB,
  // a RelativeTimeFormat or Segmenter ~8 KB, the others ~3 KB; segments and their iterators copy their
  // string, 2 bytes a character), for as long as it lives: the cap counts it, and past the cap the
  // object is a RangeError (Array buffer allocation failed). Wrapped on the first read of `Intl`, so a
  // context that never uses it pays one property definition.
  const NativeIntl = globalThis.Intl;
  if (typeof NativeIntl === 'object' && NativeIntl !== null) {
    const install = () => {
      const construct = Reflect.construct;
      const NativeArrayBuffer = ArrayBuffer;
      const ballast = new WeakMap();
      const weakSet = WeakMap.prototype.set;
      const weakGet = WeakMap.prototype.get;
      const charge = (object, bytes) => {
        apply(weakSet, ballast, [object, new NativeArrayBuffer(bytes)]);
        return object;
      };
      const method = (object, key, value) =>
        defineProperty(object, key, { value, writable: true, enumerable: false, configurable: true });
      const COSTS = { __proto__: null, DateTimeFormat: 30720, RelativeTimeFormat: 8192, Segmenter: 8192 };
      for (const name of ['Collator', 'DateTimeFormat', 'DisplayNames', 'ListFormat', 'Locale', 'NumberFormat',
        'PluralRules', 'RelativeTimeFormat', 'Segmenter']) {
        const Native = NativeIntl[name];
        if (typeof Native !== 'function') continue;
        const cost = COSTS[name] ?? 3072;
        // DateTimeFormat, NumberFormat and Collator may be called without `new`, as the built-ins may.
        // Named by a computed key, so that V8's messages say `#<DateTimeFormat>`.
        const Wrapped = { [name]: function (...args) {
          const made = new.target === undefined ? apply(Native, this, args)
            : construct(Native, args, new.target === Wrapped ? Native : new.target);
          return charge(made, cost);
        } }[name];
        const statics = Object.getOwnPropertyDescriptors(Native);
        delete statics.prototype;
        Object.defineProperties(Wrapped, statics);
        defineProperty(Wrapped, 'prototype', { value: Native.prototype, writable: false });
        method(Native.prototype, 'constructor', Wrapped);
        method(NativeIntl, name, Wrapped);
      }
      const Segmenter = NativeIntl.Segmenter;
      if (typeof Segmenter === 'function') {
        const nativeSegment = Segmenter.prototype.segment;
        const Segments = Object.getPrototypeOf(apply(nativeSegment, new Segmenter(), ['']));
        const iteratorKey = Symbol.iterator;
        const nativeIterator = Segments[iteratorKey];
        const costs = new WeakMap();
        const copies = {
          __proto__: null,
          segment(string) {
            const text = `${string}`;
            const segments = apply(nativeSegment, this, [text]);
            const cost = 8192 + 2 * text.length;
            apply(weakSet, costs, [segments, cost]);
            return charge(segments, cost);
          },
          [iteratorKey]() {
            const iterator = apply(nativeIterator, this, []);
            return charge(iterator, apply(weakGet, costs, [this]) ?? 8192);
          },
        };
        method(Segmenter.prototype, 'segment', copies.segment);
        method(Segments, iteratorKey, copies[iteratorKey]);
      }
      method(globalThis, 'Intl', NativeIntl);
      return NativeIntl;
    };
    defineProperty(globalThis, 'Intl', {
      get: () => install(),
      set: (value) => defineProperty(globalThis, 'Intl', { value, writable: true, enumerable: false, configurable: true }),
      enumerable: false,
      configurable: true,
    });
  }
  // Once per process, before the engine takes the guards' code cache: compiles each guard (not the
  // loops behind them), so that isolates deserialize them instead of parsing them on first use.
  if (warm) {
    const f = () => 0;
    const a = [];
    a.forEach(f), a.map(f), a.filter(f), a.some(f), a.every(f), a.reduce(f, 0), a.reduceRight(f, 0);
    a.lastIndexOf(0), a.join(), a.toLocaleString(), a.slice(), a.splice(0, 0), a.reverse(), a.copyWithin(0, 0);
    a.shift(), a.unshift(), a.flat(), a.flatMap(f), a.concat(), a.fill(0), Array.from({ length: 0 });
    a.sort(), a.toSorted(), a.toReversed(), a.toSpliced(0, 0), [0].with(0, 0), String.raw({ raw: a });
    ''.split(''), ''.split(/,/), ''.match(/a/), ''.replace(/a/, ''), ''.replaceAll('a', ''), JSON.parse('0'), Int8Array.from(a), new Int8Array(1).set(a), new Int8Array({ length: 0 });
  }
}))js";

// One script, so the pieces share the helpers; joined once per process.
inline const std::string& BuiltinGuardsSource() {
  static const std::string source = std::string(kGuardsHead) + kArrayLoopGuards + kGuardsTail;
  return source;
}

}  // namespace isorun
