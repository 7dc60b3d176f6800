// Turns request `code` into the readings to try compiling: an expression (`(a, b) => a + b`,
// `async function (event) {…}`), else statements whose completion value is the result, or an ES module
// whose `export default` is rewritten (on acorn's syntax tree, never by text search) into a script.
// Each reading accepts only code that is valid as written: a wrapper alone would also accept code that
// closes it and runs outside it (`1), (function () { … })(), (2`).
import * as acorn from 'acorn';
import { ENTRY_GLOBAL, FUNCTION_FILENAME } from './runtime/protocol';
import { clipText, PROBLEM_TEXT_MAX, ProblemError } from './errors';

/** A script to compile: the user's code, bare or wrapped. */
export interface ScriptText {
  text: string;
  /** Lines the wrapper adds before the user's first line (passed to the engine as a negative lineOffset). */
  lineOffset: number;
}

export interface CompileCandidate extends ScriptText {
  /**
   * The script only stores a function wrapping the user's code under ENTRY_GLOBAL, and the runtime's
   * `invokeEntry` evaluates and calls it: one engine call for evaluate + invoke. Otherwise the script's
   * completion value is what to invoke.
   */
  entry: boolean;
}

/** One way to read the code. */
export interface Reading {
  /**
   * Scripts that must all compile for the code to be valid in this reading; the first that does not
   * names the syntax error. Only compiled, never run (unless also one of `runs`).
   */
  checks: ScriptText[];
  /** What runs, in order of preference: the first that compiles (a wrapper may refuse valid code). */
  runs: CompileCandidate[];
}

export interface PreparedSource {
  /** Tried in order: the first whose checks pass runs. */
  readings: Reading[];
  /** Answered instead of a COMPILE_ERROR when no reading compiles (module code too large to read as one). */
  whenNoneCompiles?: ProblemError;
}

const DEFAULT_BINDING = '__isorun_default__';
const THROWN_BINDING = '__isorun_thrown__';
const ENTRY_ASSIGNMENT = `globalThis.${ENTRY_GLOBAL} = `;
// Leading blanks within the line only: `\s*` after `^` under /m rescans every run of newlines from
// each line start, quadratic in the code's length (60,000 newlines held Node's thread for seconds).
const MODULE_SYNTAX = /^[^\S\r\n\u2028\u2029]*(?:export|import)\b(?!\s*[(.])/m;
// `export` or `import` after other code on its line (`const f = …; export default f`, `/* c */ export …`)
// is a weaker sign: a script may say it in a string or a comment. Such code is read as a module only when
// it parses as one.
const MODULE_WORD = /\b(?:export|import)\b(?!\s*[(.])/;
const PARSE_OPTIONS = { ecmaVersion: 'latest', locations: true, sourceType: 'script' } as const;
/**
 * The largest code acorn parses on Node's thread (module reading, syntax error location): its parse
 * costs ~0.4 µs per byte, and 1 MB of module code held every other request for ~0.4 s. Larger code
 * is compiled by the engine alone, on its own threads; larger module code is refused.
 */
export const ACORN_MAX_CHARS = 64 * 1024;
const LINE_BREAK = /[\n\r\u2028\u2029]/;

interface Location {
  line: number;
  /** 1-based, as editors count. */
  column: number;
}

interface AcornSyntaxError extends SyntaxError {
  pos: number;
  loc: { line: number; column: number };
}

const isAcornError = (error: unknown): error is AcornSyntaxError =>
  error instanceof SyntaxError && typeof (error as Partial<AcornSyntaxError>).pos === 'number';

function compileError(message: string, where: Location): ProblemError {
  const at = ` (line ${where.line}, column ${where.column})`;
  // The engine's message quotes the code (a 900 KB identifier): cut, with room for an ellipsis and the location.
  return new ProblemError('COMPILE_ERROR', `${clipText(message, PROBLEM_TEXT_MAX - at.length - 1)}${at}`, {
    line: where.line,
    column: where.column,
  });
}

function locationOf(node: acorn.Node): Location {
  return { line: node.loc!.start.line, column: node.loc!.start.column + 1 };
}

export function prepareSource(code: string): PreparedSource {
  const lineStartsModule = MODULE_SYNTAX.test(code);
  if (code.length > ACORN_MAX_CHARS) {
    const whenNoneCompiles = lineStartsModule
      ? new ProblemError(
          'INVALID_REQUEST',
          `Module code is limited to ${ACORN_MAX_CHARS} characters (this is ${code.length}): send larger code as an expression or statements.`,
          { field: '/code' },
        )
      : undefined;
    return { readings: scriptReadings(code), whenNoneCompiles };
  }
  if (lineStartsModule || MODULE_WORD.test(code)) {
    const module = transformModule(code, lineStartsModule);
    if (module !== undefined) return { readings: [{ checks: [module], runs: [module] }] };
  }
  return { readings: scriptReadings(code) };
}

/**
 * The expression reading, then the statements reading. An expression compiles both inside the entry's
 * parentheses and inside brackets: code that closes the parentheses to run outside them (`1), f(), (2`)
 * must close a bracket there, which does not compile (the same token cannot close both). Statements are
 * checked bare, then run inside `try` so that what they throw reaches the runtime as a function's throw
 * does (the bare script runs instead where a block refuses valid statements: `var f; function f() {}`).
 */
function scriptReadings(code: string): Reading[] {
  const expression: CompileCandidate = { text: `${ENTRY_ASSIGNMENT}() => (\n${code}\n);`, lineOffset: -1, entry: true };
  const statements: CompileCandidate = { text: code, lineOffset: 0, entry: false };
  // In a block "use strict" is no directive: the script around it says it instead.
  const strict = hasUseStrictDirective(code) ? '"use strict";' : '';
  const caught: CompileCandidate = {
    text: `${strict}try {\n${code}\n} catch (${THROWN_BINDING}) { () => { throw ${THROWN_BINDING} } }`,
    lineOffset: -1,
    entry: false,
  };
  return [
    { checks: [expression, { text: `[\n${code}\n]`, lineOffset: -1 }], runs: [expression] },
    { checks: [statements], runs: [caught, statements] },
  ];
}

/**
 * The module as a strict script whose completion value is its default export; undefined if it is no
 * module. A module that does not parse is a COMPILE_ERROR when `surelyModule`, else undefined (the
 * script readings are tried).
 */
function transformModule(code: string, surelyModule: boolean): CompileCandidate | undefined {
  let program: acorn.Program;
  // Where the script the module becomes reads a comment: `<!--` is one anywhere in a script. (`-->` is
  // one only at a line's start, where in a module it is `--` then `>`, which never parses.)
  let scriptComment: Location | undefined;
  const onToken = (token: acorn.Token): void => {
    if (scriptComment === undefined && code.startsWith('<!--', token.start)) {
      scriptComment = { line: token.loc!.start.line, column: token.loc!.start.column + 1 };
    }
  };
  try {
    program = acorn.parse(code, { ...PARSE_OPTIONS, sourceType: 'module', onToken });
  } catch (error) {
    if (!isAcornError(error)) throw error;
    if (!surelyModule) return undefined;
    throw compileError(error.message.replace(/ \(\d+:\d+\)$/, ''), {
      line: error.loc.line,
      column: error.loc.column + 1,
    });
  }
  const edits: Array<{ start: number; end: number; text: string }> = [];
  let defaultName: string | undefined;
  for (const statement of program.body) {
    switch (statement.type) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
        throw compileError('Imports are not supported: a function has no modules to import', locationOf(statement));
      case 'ExportNamedDeclaration':
        if (statement.source) {
          throw compileError(
            'Re-exports are not supported: a function has no modules to import',
            locationOf(statement),
          );
        }
        if (statement.declaration) {
          edits.push({ start: statement.start, end: statement.declaration.start, text: '' });
        } else {
          for (const specifier of statement.specifiers) {
            const exported =
              specifier.exported.type === 'Identifier' ? specifier.exported.name : specifier.exported.value;
            if (exported === 'default' && specifier.local.type === 'Identifier') defaultName = specifier.local.name;
          }
          edits.push({ start: statement.start, end: statement.end, text: ';' });
        }
        break;
      case 'ExportDefaultDeclaration': {
        const declaration = statement.declaration;
        const named =
          (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id;
        if (named) {
          defaultName = declaration.id!.name;
          edits.push({ start: statement.start, end: declaration.start, text: '' });
        } else {
          defaultName = DEFAULT_BINDING;
          edits.push({ start: statement.start, end: declaration.start, text: `const ${DEFAULT_BINDING} = ` });
          if (code[statement.end - 1] !== ';') edits.push({ start: statement.end, end: statement.end, text: ';' });
        }
        break;
      }
      default:
    }
  }
  if (edits.length === 0) return undefined;
  // The module runs as a script (below): where a script reads its text otherwise, the code would run
  // other than written, and could close the wrapping function to run outside it.
  if (scriptComment !== undefined) {
    if (!surelyModule) return undefined;
    throw compileError(
      '`<!--` outside strings and comments reads as a comment in the script a module runs as: write `< !--`',
      scriptComment,
    );
  }
  const awaited = code.includes('await') ? topLevelAwait(program) : undefined;
  if (awaited !== undefined) {
    throw compileError(
      'Top-level await is not supported: the module runs as a function, await inside the exported one',
      locationOf(awaited),
    );
  }
  if (defaultName === undefined) {
    throw new ProblemError('INVALID_REQUEST', 'The module has no `export default`: export the function to call.', {
      field: '/code',
    });
  }
  let text = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  }
  // Module scope becomes function scope: module-level declarations stay out of the global object, as in a module.
  return {
    text: `${ENTRY_ASSIGNMENT}function () {"use strict";\n${text}\n;return ${defaultName};\n};`,
    lineOffset: -1,
    entry: true,
  };
}

const FUNCTION_NODES: ReadonlySet<string> = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
]);

/**
 * A module's top-level `await` (outside any function: acorn refuses one in a function that is not
 * async). In the function the module becomes, `await` is an identifier: `await /x/g` would divide.
 */
function topLevelAwait(program: acorn.Program): acorn.Node | undefined {
  const stack: acorn.Node[] = [...program.body];
  while (stack.length > 0) {
    const node = stack.pop()! as acorn.Node & Record<string, unknown>;
    if (node.type === 'AwaitExpression' || (node.type === 'ForOfStatement' && node.await === true)) return node;
    if (FUNCTION_NODES.has(node.type)) continue;
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value]) {
        if (typeof (child as acorn.Node | null)?.type === 'string') stack.push(child as acorn.Node);
      }
    }
  }
  return undefined;
}

/**
 * Where the code stops parsing, as acorn sees it: of the expression and statement readings, the one
 * that got further (V8 and acorn agree on ECMAScript syntax; this keeps positions engine-independent).
 */
export function locateSyntaxError(code: string): Location | undefined {
  const failures: Array<{ pos: number; where: Location }> = [];
  const lines = code.split('\n');
  const clamp = (line: number, column: number): Location =>
    line > lines.length ? { line: lines.length, column: lines[lines.length - 1]!.length + 1 } : { line, column };
  const expression = expressionFailure(code);
  if (expression === undefined) return undefined;
  failures.push({ pos: expression.pos - 2, where: clamp(expression.loc.line - 1, expression.loc.column + 1) });
  try {
    acorn.parse(code, PARSE_OPTIONS);
    return undefined;
  } catch (error) {
    if (!isAcornError(error)) throw error;
    failures.push({ pos: error.pos, where: clamp(error.loc.line, error.loc.column + 1) });
  }
  return failures.reduce((a, b) => (b.pos > a.pos ? b : a)).where;
}

/** Where `code` stops being one expression (positions in `(\n${code}\n)`), as the engine's two checks see it. */
function expressionFailure(code: string): Pick<AcornSyntaxError, 'pos' | 'loc'> | undefined {
  const parse = (open: string, close: string): AcornSyntaxError | acorn.Program => {
    try {
      return acorn.parse(`${open}\n${code}\n${close}`, { ...PARSE_OPTIONS, preserveParens: true });
    } catch (error) {
      if (!isAcornError(error)) throw error;
      return error;
    }
  };
  const parenthesized = parse('(', ')');
  if (isAcornError(parenthesized)) return parenthesized;
  const [statement] = parenthesized.body;
  const whole =
    parenthesized.body.length === 1 &&
    statement!.type === 'ExpressionStatement' &&
    statement.expression.type === 'ParenthesizedExpression' &&
    statement.expression.start === 0 &&
    statement.expression.end === code.length + 4;
  if (whole) return undefined;
  // The code closed the parentheses (`1), (2`): in brackets, the same token fails to close them.
  const bracketed = parse('[', ']');
  return isAcornError(bracketed) ? bracketed : { pos: 0, loc: { line: 1, column: 0 } };
}

/** A compile error from the engine: the location is on the error, not in its message. */
export interface EngineSyntaxError {
  message: string;
  lineNumber?: number;
  columnNumber?: number;
}

/**
 * Of the engine's errors for the readings tried, the one that got furthest into the code, as a message
 * ending in its location (`… [function.js:2:11]`, what syntaxProblem reads when acorn does not run).
 */
export function furthestEngineMessage(errors: EngineSyntaxError[]): string {
  let best: EngineSyntaxError | undefined;
  for (const error of errors) {
    if (typeof error.lineNumber !== 'number' || typeof error.columnNumber !== 'number') continue;
    if (
      best === undefined ||
      error.lineNumber > best.lineNumber! ||
      (error.lineNumber === best.lineNumber && error.columnNumber > best.columnNumber!)
    ) {
      best = error;
    }
  }
  if (best === undefined) return errors[0]?.message ?? 'SyntaxError';
  return `${best.message} [${FUNCTION_FILENAME}:${best.lineNumber}:${best.columnNumber}]`;
}

/** `Unexpected token ')' [function.js:2:1]` → line 2, column 1 (the engine's own location, as a fallback). */
export function engineSyntaxLocation(message: string): Location | undefined {
  const match = new RegExp(`${FUNCTION_FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

/**
 * The engine's message without its trailing ` [file:line:column]`. Not a regex: `\s*\[[^\]]*\]\s*$`
 * rescans from every `[`, and a message quotes the code (a regex literal of 80,000 `[`, seconds).
 */
function withoutEngineLocation(message: string): string {
  const trimmed = message.trimEnd();
  const open = trimmed.lastIndexOf('[');
  if (!trimmed.endsWith(']') || open < 0 || trimmed.indexOf(']', open) !== trimmed.length - 1) return message;
  return trimmed.slice(0, open).trimEnd();
}

export function syntaxProblem(code: string, engineMessage: string): ProblemError {
  let engineWhere = engineSyntaxLocation(engineMessage);
  let message = withoutEngineLocation(engineMessage);
  // Past the code's last line the engine stopped at the wrapper's closing `)`: for the caller, that is
  // where the input ended (`(a, b) => a +` read "Unexpected token ')'", a character it never wrote).
  const lines = engineWhere === undefined ? 0 : lineCount(code);
  if (engineWhere !== undefined && engineWhere.line > lines) {
    message = 'Unexpected end of input';
    engineWhere = { line: lines, column: code.length - code.lastIndexOf('\n') };
  }
  const located = code.length <= ACORN_MAX_CHARS ? locateSyntaxError(code) : undefined;
  const where = located ?? engineWhere ?? { line: 1, column: 1 };
  return compileError(message, where);
}

function lineCount(code: string): number {
  let lines = 1;
  for (let at = code.indexOf('\n'); at !== -1; at = code.indexOf('\n', at + 1)) lines++;
  return lines;
}

/**
 * Whether the code, read as a script, has a "use strict" directive: a string literal of exactly those
 * characters standing as a statement of its own among the string statements it begins with. Exact, as
 * the statements reading runs the code inside a block, where only the script's own directive counts.
 */
function hasUseStrictDirective(code: string): boolean {
  let at = skipTrivia(code, 0, true).at;
  for (;;) {
    const quote = code[at];
    if (quote !== '"' && quote !== "'") return false;
    const start = at;
    for (at++; at < code.length && code[at] !== quote; at++) {
      if (code[at] === '\\') at += code.startsWith('\r\n', at + 1) ? 2 : 1;
      else if (code[at] === '\n' || code[at] === '\r') return false;
    }
    if (at >= code.length) return false;
    at++;
    const literal = code.slice(start, at);
    const after = skipTrivia(code, at, false);
    at = after.at;
    const next = code[at];
    if (next === ';') at++;
    else if (next !== undefined && next !== '}' && !(after.lineBreak && !continuesExpression(code, at))) return false;
    if (literal === '"use strict"' || literal === "'use strict'") return true;
    at = skipTrivia(code, at, next !== ';' && after.lineBreak).at;
  }
}

const IDENTIFIER_PART = /^(?:[\p{ID_Continue}$\\]|\u200c|\u200d)/u;

/**
 * Whether the token at `at`, on a line after a string literal, continues its expression (`"a"\n+ b`,
 * `"a"\n(b)`, `"a"\nin b`); else a semicolon is inserted before it (`"a"\nb`, `"a"\n++b`, `"a"\n.5`).
 */
function continuesExpression(code: string, at: number): boolean {
  const char = code[at]!;
  const next = code[at + 1];
  if ('([`,?=*/%<>&|^'.includes(char)) return true;
  if (char === '.') return !(next !== undefined && next >= '0' && next <= '9');
  if (char === '+' || char === '-') return next !== char;
  if (char === '!') return next === '=';
  for (const word of ['instanceof', 'in']) {
    if (code.startsWith(word, at) && !IDENTIFIER_PART.test(code[at + word.length] ?? '')) return true;
  }
  return false;
}

/**
 * Skips white space and comments from `at` (HTML-like ones too: scripts have them), noting whether a
 * line break was crossed; `lineStart`: `at` begins a line, where `-->` opens a comment.
 */
function skipTrivia(code: string, at: number, lineStart: boolean): { at: number; lineBreak: boolean } {
  let lineBreak = false;
  let atLineStart = lineStart;
  const toLineEnd = (from: number): number => {
    let end = from;
    while (end < code.length && !LINE_BREAK.test(code[end]!)) end++;
    return end;
  };
  while (at < code.length) {
    const char = code[at]!;
    if (char === '\n' || char === '\r' || char === '\u2028' || char === '\u2029') {
      lineBreak = atLineStart = true;
      at++;
    } else if (char === ' ' || char === '\t' || /\s/.test(char)) at++;
    else if (code.startsWith('//', at) || code.startsWith('<!--', at) || (atLineStart && code.startsWith('-->', at))) {
      at = toLineEnd(at);
    } else if (code.startsWith('/*', at)) {
      const end = code.indexOf('*/', at + 2);
      if (end < 0) return { at: code.length, lineBreak };
      if (LINE_BREAK.test(code.slice(at + 2, end))) lineBreak = atLineStart = true;
      at = end + 2;
    } else break;
  }
  return { at, lineBreak };
}
