/**
 * DynamoDB's expression language, for `FakeDynamoDB`: parses ConditionExpression and UpdateExpression with
 * DynamoDB's validations and messages, decides a condition against an item, and applies an update to one.
 *
 * It answers as DynamoDB Local answers (AWS's own engine) where dynalite words things differently: syntax errors
 * read `Syntax error; token: "<EOF>", near: "#v <"` as the service's do, comparisons order strings by UTF-8 bytes,
 * and maps, lists and sets compare by content. Numbers are compared and added exactly, as decimal strings, never
 * through JavaScript doubles: DynamoDB keeps 38 digits.
 *
 * @module
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** An item or key as DynamoDB stores it: attribute name to value, numbers in canonical form. */
export type Item = Record<string, AttributeValue>;

/** One step of a document path: an attribute or map key (string) or a list index (number). */
export type PathStep = string | number;
/** A document path with its placeholders resolved: `#m.list[2]` is `['m', 'list', 2]` when `#m` names `m`. */
export type DocumentPath = readonly PathStep[];

/** A value in an expression: a document path, a `:value`, a function call or (in updates) `a + b`, `a - b`. */
export type Operand =
  | { readonly kind: 'path'; readonly path: DocumentPath }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Operand[] }
  | { readonly kind: 'arithmetic'; readonly operator: '+' | '-'; readonly left: Operand; readonly right: Operand };

type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** A parsed ConditionExpression. */
export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly condition: Condition }
  | { readonly kind: 'compare'; readonly operator: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly operand: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly candidates: readonly Operand[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Operand[] };

/** A parsed UpdateExpression, one list per section. */
export interface UpdateActions {
  readonly set: readonly { readonly path: DocumentPath; readonly value: Operand }[];
  readonly remove: readonly DocumentPath[];
  readonly add: readonly { readonly path: DocumentPath; readonly value: Operand }[];
  readonly delete: readonly { readonly path: DocumentPath; readonly value: Operand }[];
}

/** The expression parameters of PutItem, DeleteItem and UpdateItem. */
export interface ExpressionInput {
  readonly ConditionExpression?: string | undefined;
  readonly UpdateExpression?: string | undefined;
  readonly ExpressionAttributeNames?: Record<string, string> | undefined;
  readonly ExpressionAttributeValues?: Record<string, AttributeValue> | undefined;
}

export type ExpressionName = 'UpdateExpression' | 'ConditionExpression';

/** What {@link parseExpressions} found: each expression the request carried, parsed. */
export interface ParsedExpressions {
  readonly condition?: Condition;
  readonly update?: UpdateActions;
}

/** A request DynamoDB refuses (a ValidationException), with DynamoDB's message. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

/** DynamoDB's limits on expressions (bytes of the raw text; operators and functions, `=` of a SET excluded). */
export const MAX_EXPRESSION_BYTES = 4096;
export const MAX_EXPRESSION_OPERATORS = 300;
const MAX_PLACEHOLDER_BYTES = 255;
const MAX_ATTRIBUTE_NAME_BYTES = 65535;

// ---------------------------------------------------------------------------------------------------------------
// Request-level checks
// ---------------------------------------------------------------------------------------------------------------

/**
 * DynamoDB's first checks on a request's expression parameters, before its item or key is looked at: placeholders
 * without an expression, and expressions mixed with the legacy parameters (`Expected`, `AttributeUpdates`, ...).
 */
export function checkExpressionParameters(
  input: ExpressionInput & Record<string, unknown>,
  accepted: readonly ExpressionName[],
  legacy: readonly string[],
): void {
  const expressions = accepted.filter((name) => input[name] !== undefined && input[name] !== null);
  const legacyUsed = legacy.filter((name) => input[name] !== undefined && input[name] !== null);
  if (expressions.length > 0 && legacyUsed.length > 0) {
    throw new ExpressionError(
      'Can not use both expression and non-expression parameters in the same request: ' +
        `Non-expression parameters: {${legacyUsed.join(', ')}} Expression parameters: {${expressions.join(', ')}}`,
    );
  }
  if (input.ExpressionAttributeNames != null && expressions.length === 0) {
    throw new ExpressionError('ExpressionAttributeNames can only be specified when using expressions');
  }
  if (input.ExpressionAttributeValues != null && expressions.length === 0) {
    throw new ExpressionError(
      `ExpressionAttributeValues can only be specified when using expressions: ${accepted.join(' and ')} ${accepted.length > 1 ? 'are' : 'is'} null`,
    );
  }
}

/**
 * Validates the placeholders and parses the expressions of a request, in DynamoDB's order: the names, the values
 * (each through `normalizeValue`, which throws DynamoDB's message for a bad value), the UpdateExpression, the
 * ConditionExpression, then placeholders defined but never used. Throws an {@link ExpressionError}.
 */
export function parseExpressions(
  input: ExpressionInput,
  accepted: readonly ExpressionName[],
  normalizeValue: (value: AttributeValue) => AttributeValue,
): ParsedExpressions {
  const names = input.ExpressionAttributeNames ?? undefined;
  const rawValues = input.ExpressionAttributeValues ?? undefined;
  if (names) checkPlaceholders('ExpressionAttributeNames', Object.keys(names), /^#[0-9a-zA-Z_]+$/);
  if (names) {
    for (const [key, name] of Object.entries(names)) {
      if (name === '') throw new ExpressionError(`ExpressionAttributeNames contains invalid value: Empty attribute name for key ${key}`);
      if (Buffer.byteLength(name) > MAX_ATTRIBUTE_NAME_BYTES) {
        throw new ExpressionError(
          `ExpressionAttributeNames contains invalid value: Attribute name is too large, must be less than ${MAX_ATTRIBUTE_NAME_BYTES + 1} bytes for key ${key}`,
        );
      }
    }
  }
  let values: Record<string, AttributeValue> | undefined;
  if (rawValues) {
    checkPlaceholders('ExpressionAttributeValues', Object.keys(rawValues), /^:[0-9a-zA-Z_]+$/);
    values = {};
    for (const [key, value] of Object.entries(rawValues)) {
      try {
        values[key] = normalizeValue(value);
      } catch (error) {
        throw new ExpressionError(`ExpressionAttributeValues contains invalid value: ${(error as Error).message} for key ${key}`);
      }
    }
  }
  const substitutions: Substitutions = {
    names: names ?? {},
    values: values ?? {},
    unusedNames: new Set(Object.keys(names ?? {})),
    unusedValues: new Set(Object.keys(values ?? {})),
  };
  let update: UpdateActions | undefined;
  let condition: Condition | undefined;
  if (accepted.includes('UpdateExpression') && input.UpdateExpression != null) {
    update = new Parser(input.UpdateExpression, 'UpdateExpression', substitutions).parseUpdate();
  }
  if (accepted.includes('ConditionExpression') && input.ConditionExpression != null) {
    condition = new Parser(input.ConditionExpression, 'ConditionExpression', substitutions).parseCondition();
  }
  if (substitutions.unusedNames.size > 0) {
    throw new ExpressionError(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${[...substitutions.unusedNames].join(', ')}}`);
  }
  if (substitutions.unusedValues.size > 0) {
    throw new ExpressionError(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${[...substitutions.unusedValues].join(', ')}}`);
  }
  return { ...(condition ? { condition } : {}), ...(update ? { update } : {}) };
}

function checkPlaceholders(parameter: string, keys: readonly string[], syntax: RegExp): void {
  if (keys.length === 0) throw new ExpressionError(`${parameter} must not be empty`);
  for (const key of keys) {
    if (!syntax.test(key)) throw new ExpressionError(`${parameter} contains invalid key: Syntax error; key: "${key}"`);
    const bytes = Buffer.byteLength(key);
    if (bytes > MAX_PLACEHOLDER_BYTES) {
      throw new ExpressionError(`${parameter} contains invalid key: The expression attribute map contains a key that is too long; size of key: ${bytes}`);
    }
  }
}

/** The paths an update writes (or removes), for the caller's check that no key attribute is among them. */
export function updatedPaths(actions: UpdateActions): DocumentPath[] {
  const written = [...actions.set, ...actions.add, ...actions.delete].map((action) => action.path);
  return [...written, ...actions.remove];
}

// ---------------------------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------------------------

interface Token {
  /** `word`: a name or keyword; `name`: `#name`; `value`: `:value`; `index`: digits; `symbol`: punctuation; `other`: anything else. */
  readonly type: 'word' | 'name' | 'value' | 'index' | 'symbol' | 'other' | 'end';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

// Names start with a letter (DynamoDB refuses `_a` and `1a` unescaped); a lone `#` or `:` is a token of its own.
const TOKEN = /[ \t\r\n]*(?:([A-Za-z][A-Za-z0-9_]*)|(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([0-9]+)|(<>|<=|>=|[=<>()[\],.+-])|([^ \t\r\n]))/uy;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = TOKEN.exec(source)) !== null) {
    const text = match.slice(1).find((group) => group !== undefined)!;
    const type = (['word', 'name', 'value', 'index', 'symbol', 'other'] as const)[match.slice(1).indexOf(text)]!;
    tokens.push({ type, text, start: TOKEN.lastIndex - text.length, end: TOKEN.lastIndex });
  }
  tokens.push({ type: 'end', text: '<EOF>', start: source.length, end: source.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------------------------

interface Substitutions {
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
  readonly unusedNames: Set<string>;
  readonly unusedValues: Set<string>;
}

/** Thrown inside the parser at the first token the grammar cannot take; becomes DynamoDB's syntax error. */
class SyntaxFailure {
  constructor(readonly index: number) {}
}

/*
 * DynamoDB parses the whole expression first and reports a syntax error before anything else; then one semantic
 * error, the first of the highest-ranked kind. The ranks are DynamoDB Local's (dynalite agrees but for reserved
 * words, which Local ranks before unknown functions).
 */
const CONDITION_PROBLEM_RANKS = ['parens', 'reserved', 'unknownFunction', 'misusedFunction', 'undefined', 'operandCount', 'distinct', 'operandType'] as const;
const UPDATE_PROBLEM_RANKS = [
  'reserved',
  'unknownFunction',
  'section',
  'undefinedName',
  'undefinedValue',
  'overlap',
  'conflict',
  'operandType',
  'function',
] as const;
type ProblemKind = (typeof CONDITION_PROBLEM_RANKS)[number] | (typeof UPDATE_PROBLEM_RANKS)[number];

const CONDITION_KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const UPDATE_KEYWORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE']);
const COMPARATORS = new Set<string>(['=', '<>', '<', '<=', '>', '>=']);
/** Functions and their number of operands. Names are case-sensitive. */
const CONDITION_FUNCTIONS: Readonly<Record<string, number>> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
};
const UPDATE_FUNCTIONS: Readonly<Record<string, number>> = { if_not_exists: 2, list_append: 2 };
const ATTRIBUTE_TYPES = ['B', 'NULL', 'SS', 'BOOL', 'L', 'BS', 'N', 'NS', 'S', 'M'];
const TYPE_WORDS: Readonly<Record<string, string>> = { S: 'STRING', N: 'NUMBER', B: 'BINARY', NULL: 'NULL', BOOL: 'BOOLEAN', L: 'LIST', M: 'MAP' };

class Parser {
  readonly #source: string;
  readonly #expression: ExpressionName;
  readonly #substitutions: Substitutions;
  readonly #tokens: Token[];
  readonly #keywords: ReadonlySet<string>;
  #at = 0;
  #problems = new Map<ProblemKind, string>();
  #operators = 0;
  /** Conditions written in parentheses, to spot `((a = b))`. */
  readonly #parenthesized = new WeakSet<Condition>();

  constructor(source: string, expression: ExpressionName, substitutions: Substitutions) {
    this.#source = source;
    this.#expression = expression;
    this.#substitutions = substitutions;
    this.#keywords = expression === 'UpdateExpression' ? UPDATE_KEYWORDS : CONDITION_KEYWORDS;
    if (source === '') this.#refuse('The expression can not be empty;');
    const bytes = Buffer.byteLength(source);
    if (bytes > MAX_EXPRESSION_BYTES) {
      // The service adds the size for a ConditionExpression, not for an UpdateExpression.
      this.#refuse(`Expression size has exceeded the maximum allowed size;${expression === 'ConditionExpression' ? ` expression size: ${bytes}` : ''}`);
    }
    this.#tokens = tokenize(source);
  }

  parseCondition(): Condition {
    const condition = this.#parse(() => this.#or());
    this.#finish(CONDITION_PROBLEM_RANKS);
    return condition;
  }

  parseUpdate(): UpdateActions {
    const actions = this.#parse(() => this.#update());
    this.#finish(UPDATE_PROBLEM_RANKS);
    return actions;
  }

  #parse<T>(rule: () => T): T {
    try {
      const result = rule();
      if (this.#peek().type !== 'end') throw new SyntaxFailure(this.#at);
      return result;
    } catch (error) {
      if (error instanceof SyntaxFailure) this.#refuse(this.#syntaxMessage(error.index));
      throw error;
    }
  }

  #finish(ranks: readonly ProblemKind[]): void {
    if (this.#operators > MAX_EXPRESSION_OPERATORS) {
      // DynamoDB stops counting at the first operator over the limit.
      this.#refuse(`The expression contains too many operators; operator count: ${MAX_EXPRESSION_OPERATORS + 1}`);
    }
    for (const kind of ranks) {
      const problem = this.#problems.get(kind);
      if (problem !== undefined) this.#refuse(problem);
    }
  }

  /** DynamoDB names the token it could not take and shows it between its neighbours. */
  #syntaxMessage(index: number): string {
    const token = this.#tokens[index]!;
    const before = this.#tokens[index - 1];
    const after = token.type === 'end' ? undefined : this.#tokens[index + 1];
    const start = before ? before.start : 0;
    const end = after && after.type !== 'end' ? after.end : token.type === 'end' ? this.#source.length : token.end;
    return `Syntax error; token: "${token.text}", near: "${this.#source.slice(start, end)}"`;
  }

  #refuse(message: string): never {
    throw new ExpressionError(`Invalid ${this.#expression}: ${message}`);
  }

  #note(kind: ProblemKind, message: string): void {
    if (!this.#problems.has(kind)) this.#problems.set(kind, message);
  }

  // --- tokens ---

  #peek(offset = 0): Token {
    return this.#tokens[Math.min(this.#at + offset, this.#tokens.length - 1)]!;
  }

  #take(): Token {
    const token = this.#peek();
    if (token.type !== 'end') this.#at++;
    return token;
  }

  #isSymbol(text: string): boolean {
    const token = this.#peek();
    return token.type === 'symbol' && token.text === text;
  }

  #isKeyword(word: string): boolean {
    const token = this.#peek();
    return token.type === 'word' && token.text.toUpperCase() === word;
  }

  #expectSymbol(text: string): void {
    if (!this.#isSymbol(text)) throw new SyntaxFailure(this.#at);
    this.#at++;
  }

  // --- conditions ---

  #or(): Condition {
    let left = this.#and();
    while (this.#isKeyword('OR')) {
      this.#take();
      this.#operators++;
      left = { kind: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): Condition {
    let left = this.#not();
    while (this.#isKeyword('AND')) {
      this.#take();
      this.#operators++;
      left = { kind: 'and', left, right: this.#not() };
    }
    return left;
  }

  #not(): Condition {
    if (this.#isKeyword('NOT')) {
      this.#take();
      this.#operators++;
      return { kind: 'not', condition: this.#not() };
    }
    return this.#primary();
  }

  #primary(): Condition {
    if (!this.#isSymbol('(')) return this.#comparison();
    // `(` opens either a condition or an operand, `(a) = :v`: try the first, fall back on the second.
    const saved = { at: this.#at, problems: new Map(this.#problems), operators: this.#operators, ...this.#usage() };
    try {
      this.#take();
      const inner = this.#or();
      this.#expectSymbol(')');
      if (this.#parenthesized.has(inner)) this.#note('parens', 'The expression has redundant parentheses;');
      this.#parenthesized.add(inner);
      return inner;
    } catch (error) {
      if (!(error instanceof SyntaxFailure)) throw error;
      const asCondition = error;
      this.#at = saved.at;
      this.#problems = saved.problems;
      this.#operators = saved.operators;
      this.#restoreUsage(saved);
      try {
        return this.#comparison();
      } catch (second) {
        // Report where the parse got furthest, as a parser trying both would.
        if (second instanceof SyntaxFailure && second.index < asCondition.index) throw asCondition;
        throw second;
      }
    }
  }

  #comparison(): Condition {
    const left = this.#operand();
    const token = this.#peek();
    if (token.type === 'symbol' && COMPARATORS.has(token.text)) {
      this.#take();
      this.#operators++;
      const right = this.#operand();
      const operator = token.text as Comparator;
      this.#checkCompared(operator, [left, right]);
      this.#checkDistinct(operator, left, right);
      if (operator !== '=' && operator !== '<>') this.#checkOrderable(operator, [left, right]);
      return { kind: 'compare', operator, left, right };
    }
    if (this.#isKeyword('BETWEEN')) {
      this.#take();
      this.#operators++;
      const low = this.#operand();
      if (!this.#isKeyword('AND')) throw new SyntaxFailure(this.#at);
      this.#take();
      const high = this.#operand();
      this.#checkCompared('BETWEEN', [left, low, high]);
      this.#checkBounds(low, high);
      return { kind: 'between', operand: left, low, high };
    }
    if (this.#isKeyword('IN')) {
      this.#take();
      this.#operators++;
      this.#expectSymbol('(');
      const candidates = [this.#operand()];
      while (this.#isSymbol(',')) {
        this.#take();
        candidates.push(this.#operand());
      }
      this.#expectSymbol(')');
      this.#checkCompared('IN', [left, ...candidates]);
      return { kind: 'in', operand: left, candidates };
    }
    if (left.kind === 'call') {
      // A function standing as a condition; `size` only ever yields a number to compare.
      if (left.name === 'size') this.#note('misusedFunction', 'The function is not allowed to be used this way in an expression; function: size');
      return { kind: 'call', name: left.name, args: left.args };
    }
    throw new SyntaxFailure(this.#at);
  }

  /** Functions other than `size` are conditions, not operands. */
  #checkCompared(_operator: string, operands: readonly Operand[]): void {
    for (const operand of operands) {
      if (operand.kind === 'call' && operand.name !== 'size') {
        this.#note('misusedFunction', `The function is not allowed to be used this way in an expression; function: ${operand.name}`);
      }
    }
  }

  #checkDistinct(operator: string, left: Operand, right: Operand): void {
    if (left.kind === 'path' && right.kind === 'path' && samePath(left.path, right.path)) {
      this.#note(
        'distinct',
        `The first operand must be distinct from the remaining operands for this operator or function; operator: ${operator}, first operand: ${pathText(left.path)}`,
      );
    }
  }

  /** `<`, `<=`, `>`, `>=` order strings, numbers and binary only: a value of another type is refused up front. */
  #checkOrderable(operator: string, operands: readonly Operand[]): void {
    for (const operand of operands) {
      const type = staticType(operand);
      if (type !== undefined && type !== 'S' && type !== 'N' && type !== 'B') {
        this.#note('operandType', `Incorrect operand type for operator or function; operator or function: ${operator}, operand type: ${type}`);
      }
    }
  }

  #checkBounds(low: Operand, high: Operand): void {
    if (low.kind !== 'value' || high.kind !== 'value') return;
    const lowType = typeOf(low.value);
    const highType = typeOf(high.value);
    const bounds =
      `lower bound operand: AttributeValue: {${lowType}:${scalarText(low.value)}}, ` +
      `upper bound operand: AttributeValue: {${highType}:${scalarText(high.value)}}`;
    if (lowType !== highType) {
      this.#note('operandType', `The BETWEEN operator requires same data type for lower and upper bounds; ${bounds}`);
    } else if ((compareValues(low.value, high.value) ?? 0) > 0) {
      this.#note('operandType', `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${bounds}`);
    }
  }

  // --- operands ---

  /** An operand of a condition: a path, a `:value`, a function call, or any of these in parentheses. */
  #operand(): Operand {
    const token = this.#peek();
    if (token.type === 'value') return this.#value();
    if (token.type === 'symbol' && token.text === '(') {
      this.#take();
      const inner = this.#operand();
      this.#expectSymbol(')');
      return inner;
    }
    if (token.type === 'word' && this.#peek(1).type === 'symbol' && this.#peek(1).text === '(') return this.#call(CONDITION_FUNCTIONS, () => this.#operand());
    return { kind: 'path', path: this.#path() };
  }

  #value(): Operand {
    const token = this.#take();
    const value = Object.hasOwn(this.#substitutions.values, token.text) ? this.#substitutions.values[token.text] : undefined;
    if (value === undefined) {
      this.#note(
        this.#expression === 'UpdateExpression' ? 'undefinedValue' : 'undefined',
        `An expression attribute value used in expression is not defined; attribute value: ${token.text}`,
      );
      return { kind: 'value', value: { NULL: true } };
    }
    this.#substitutions.unusedValues.delete(token.text);
    return { kind: 'value', value };
  }

  #call(functions: Readonly<Record<string, number>>, argument: () => Operand): Operand {
    const name = this.#take().text;
    this.#take(); // (
    const args = [argument()];
    while (this.#isSymbol(',')) {
      this.#take();
      args.push(argument());
    }
    this.#expectSymbol(')');
    this.#operators++;
    const call: Operand = { kind: 'call', name, args };
    const arity = functions[name];
    if (arity === undefined) {
      const inCondition = this.#expression === 'UpdateExpression' && CONDITION_FUNCTIONS[name] !== undefined;
      const problem = inCondition ? 'The function is not allowed in an update expression' : 'Invalid function name';
      this.#note('unknownFunction', `${problem}; function: ${name}`);
      return call;
    }
    if (args.length !== arity) {
      this.#note(
        this.#expression === 'UpdateExpression' ? 'function' : 'operandCount',
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
      );
      return call;
    }
    this.#checkFunction(name, args);
    return call;
  }

  #checkFunction(name: string, args: readonly Operand[]): void {
    const kind: ProblemKind = this.#expression === 'UpdateExpression' ? 'function' : 'operandType';
    const wrongType = (type: string) =>
      this.#note(kind, `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`);
    const [first, second] = args as [Operand, Operand | undefined];
    if (second) this.#checkDistinct(name, first, second);
    switch (name) {
      case 'attribute_exists':
      case 'attribute_not_exists':
      case 'if_not_exists':
        if (first.kind !== 'path') this.#note(kind, `Operator or function requires a document path; operator or function: ${name}`);
        return;
      case 'begins_with':
        for (const arg of args) {
          const type = staticType(arg);
          if (type !== undefined && type !== 'S' && type !== 'B') wrongType(type);
        }
        return;
      case 'attribute_type': {
        const typeName = second?.kind === 'value' ? second.value.S : undefined;
        if (typeName === undefined) wrongType(second?.kind === 'value' ? typeOf(second.value) : '{NS,SS,L,BS,N,M,B,BOOL,NULL,S}');
        else if (!ATTRIBUTE_TYPES.includes(typeName)) {
          this.#note(kind, `Invalid attribute type name found; type: ${typeName}, valid types: {${ATTRIBUTE_TYPES.join(',')}}`);
        }
        return;
      }
      case 'size': {
        const type = staticType(first);
        if (type === 'N' || type === 'BOOL' || type === 'NULL') wrongType(type);
        return;
      }
      case 'list_append':
        for (const arg of args) {
          const type = staticType(arg);
          if (type !== undefined && type !== 'L') wrongType(type);
        }
        return;
    }
  }

  /** A document path: `name` or `#name`, then `.name`, `.#name` or `[index]` steps. */
  #path(): DocumentPath {
    const path: PathStep[] = [this.#pathName()];
    for (;;) {
      if (this.#isSymbol('.')) {
        this.#take();
        path.push(this.#pathName());
      } else if (this.#isSymbol('[')) {
        this.#take();
        const index = this.#peek();
        if (index.type !== 'index') throw new SyntaxFailure(this.#at);
        this.#take();
        this.#expectSymbol(']');
        path.push(Number(index.text));
      } else {
        return path;
      }
    }
  }

  #pathName(): string {
    const token = this.#peek();
    if (token.type === 'word' && !this.#keywords.has(token.text.toUpperCase())) {
      this.#take();
      if (RESERVED_WORDS.has(token.text.toUpperCase())) this.#note('reserved', `Attribute name is a reserved keyword; reserved keyword: ${token.text}`);
      return token.text;
    }
    if (token.type === 'name') {
      this.#take();
      const name = Object.hasOwn(this.#substitutions.names, token.text) ? this.#substitutions.names[token.text] : undefined;
      if (name === undefined) {
        this.#note(
          this.#expression === 'UpdateExpression' ? 'undefinedName' : 'undefined',
          `An expression attribute name used in the document path is not defined; attribute name: ${token.text}`,
        );
        return token.text;
      }
      this.#substitutions.unusedNames.delete(token.text);
      return name;
    }
    throw new SyntaxFailure(this.#at);
  }

  #usage(): { names: Set<string>; values: Set<string> } {
    return { names: new Set(this.#substitutions.unusedNames), values: new Set(this.#substitutions.unusedValues) };
  }

  #restoreUsage(saved: { names: Set<string>; values: Set<string> }): void {
    const { unusedNames, unusedValues } = this.#substitutions;
    unusedNames.clear();
    for (const name of saved.names) unusedNames.add(name);
    unusedValues.clear();
    for (const value of saved.values) unusedValues.add(value);
  }

  // --- updates ---

  #update(): UpdateActions {
    const actions = { set: [], remove: [], add: [], delete: [] } as {
      set: { path: DocumentPath; value: Operand }[];
      remove: DocumentPath[];
      add: { path: DocumentPath; value: Operand }[];
      delete: { path: DocumentPath; value: Operand }[];
    };
    const sections = new Set<string>();
    const paths: DocumentPath[] = [];
    const written = (path: DocumentPath) => {
      for (const earlier of paths) {
        const relation = pathRelation(earlier, path);
        if (relation) {
          this.#note(
            relation,
            `Two document paths ${relation} with each other; must remove or rewrite one of these paths; path one: ${pathText(earlier)}, path two: ${pathText(path)}`,
          );
        }
      }
      paths.push(path);
      return path;
    };
    do {
      const token = this.#peek();
      const section = token.type === 'word' ? token.text.toUpperCase() : '';
      if (!UPDATE_KEYWORDS.has(section)) throw new SyntaxFailure(this.#at);
      this.#take();
      if (sections.has(section)) this.#note('section', `The "${section}" section can only be used once in an update expression;`);
      sections.add(section);
      do {
        if (section === 'SET') {
          const path = written(this.#path());
          this.#expectSymbol('=');
          actions.set.push({ path, value: this.#setValue() });
        } else if (section === 'REMOVE') {
          actions.remove.push(written(this.#path()));
        } else {
          const path = written(this.#path());
          const value = this.#updateOperand();
          this.#checkSetOperand(section as 'ADD' | 'DELETE', value);
          (section === 'ADD' ? actions.add : actions.delete).push({ path, value });
        }
      } while (this.#isSymbol(',') && this.#take());
    } while (this.#peek().type !== 'end');
    return actions;
  }

  /** The right side of `SET path = ...`: an operand, or two joined by `+` or `-`. */
  #setValue(): Operand {
    const left = this.#updateOperand();
    if (!this.#isSymbol('+') && !this.#isSymbol('-')) return left;
    const operator = this.#take().text as '+' | '-';
    this.#operators++;
    const right = this.#updateOperand();
    for (const operand of [left, right]) {
      const type = staticType(operand);
      if (type !== undefined && type !== 'N') {
        this.#note('function', `Incorrect operand type for operator or function; operator or function: ${operator}, operand type: ${type}`);
      }
    }
    return { kind: 'arithmetic', operator, left, right };
  }

  #updateOperand(): Operand {
    const token = this.#peek();
    if (token.type === 'value') return this.#value();
    if (token.type === 'symbol' && token.text === '(') {
      this.#take();
      const inner = this.#setValue();
      this.#expectSymbol(')');
      return inner;
    }
    if (token.type === 'word' && this.#peek(1).type === 'symbol' && this.#peek(1).text === '(') return this.#call(UPDATE_FUNCTIONS, () => this.#setValue());
    return { kind: 'path', path: this.#path() };
  }

  /** ADD takes a number or a set; DELETE a set. */
  #checkSetOperand(section: 'ADD' | 'DELETE', operand: Operand): void {
    const type = operand.kind === 'value' ? typeOf(operand.value) : undefined;
    if (type === undefined || (section === 'ADD' && type === 'N')) return;
    const word = TYPE_WORDS[type];
    if (word !== undefined) {
      this.#note(
        'operandType',
        `Incorrect operand type for operator or function; operator: ${section}, operand type: ${word}, typeSet: ALLOWED_FOR_${section}_OPERAND`,
      );
    }
  }
}

function samePath(a: DocumentPath, b: DocumentPath): boolean {
  return a.length === b.length && a.every((step, i) => step === b[i]);
}

/** Two paths of one update may neither nest (`a` and `a.b`: overlap) nor read one step two ways (`a.b`, `a[0]`: conflict). */
function pathRelation(a: DocumentPath, b: DocumentPath): 'overlap' | 'conflict' | undefined {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (typeof a[i] !== typeof b[i]) return 'conflict';
    if (a[i] !== b[i]) return undefined;
  }
  return 'overlap';
}

/** A path as DynamoDB prints it in messages: `[a, b, [0]]`. */
function pathText(path: DocumentPath): string {
  return `[${path.map((step) => (typeof step === 'number' ? `[${step}]` : step)).join(', ')}]`;
}

/** The type an operand has whatever the item: a value's own, a number for `size` and arithmetic, a list for list_append. */
function staticType(operand: Operand): string | undefined {
  switch (operand.kind) {
    case 'value':
      return typeOf(operand.value);
    case 'arithmetic':
      return 'N';
    case 'call':
      return operand.name === 'size' ? 'N' : operand.name === 'list_append' ? 'L' : undefined;
    default:
      return undefined;
  }
}

function scalarText(value: AttributeValue): string {
  const v = members(value);
  const type = typeOf(value);
  return type === 'B' ? Buffer.from(v.B as Uint8Array).toString('base64') : String(v[type]);
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------------------------

/**
 * Whether an item (undefined: no item) meets a condition. As in DynamoDB, a comparison with a missing attribute or
 * with operands of different types is false, except `<>`, which is true then (`NOT a = b`).
 */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluateCondition(condition.left, item) && evaluateCondition(condition.right, item);
    case 'or':
      return evaluateCondition(condition.left, item) || evaluateCondition(condition.right, item);
    case 'not':
      return !evaluateCondition(condition.condition, item);
    case 'compare': {
      const left = operandValue(condition.left, item);
      const right = operandValue(condition.right, item);
      if (condition.operator === '=') return left !== undefined && right !== undefined && equalValues(left, right);
      if (condition.operator === '<>') return !(left !== undefined && right !== undefined && equalValues(left, right));
      const order = left && right ? compareValues(left, right) : undefined;
      if (order === undefined) return false;
      return { '<': order < 0, '<=': order <= 0, '>': order > 0, '>=': order >= 0 }[condition.operator];
    }
    case 'between': {
      const value = operandValue(condition.operand, item);
      const low = operandValue(condition.low, item);
      const high = operandValue(condition.high, item);
      if (!value || !low || !high) return false;
      const fromLow = compareValues(value, low);
      const toHigh = compareValues(value, high);
      return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
    }
    case 'in': {
      const value = operandValue(condition.operand, item);
      return value !== undefined && condition.candidates.some((candidate) => {
        const other = operandValue(candidate, item);
        return other !== undefined && equalValues(value, other);
      });
    }
    case 'call':
      return callCondition(condition.name, condition.args, item);
  }
}

function callCondition(name: string, args: readonly Operand[], item: Item | undefined): boolean {
  const [first, second] = args.map((arg) => operandValue(arg, item));
  switch (name) {
    case 'attribute_exists':
      return first !== undefined;
    case 'attribute_not_exists':
      return first === undefined;
    case 'attribute_type':
      return first !== undefined && second?.S !== undefined && typeOf(first) === second.S;
    case 'begins_with':
      if (first?.S !== undefined && second?.S !== undefined) return first.S.startsWith(second.S);
      if (first?.B !== undefined && second?.B !== undefined) {
        return first.B.length >= second.B.length && Buffer.from(first.B).subarray(0, second.B.length).equals(second.B);
      }
      return false;
    case 'contains':
      return first !== undefined && second !== undefined && contains(first, second);
    default:
      return false;
  }
}

function contains(container: AttributeValue, wanted: AttributeValue): boolean {
  if (container.S !== undefined) return wanted.S !== undefined && container.S.includes(wanted.S);
  if (container.B !== undefined) return wanted.B !== undefined && Buffer.from(container.B).includes(Buffer.from(wanted.B));
  if (container.SS !== undefined) return wanted.S !== undefined && container.SS.includes(wanted.S);
  if (container.NS !== undefined) return wanted.N !== undefined && container.NS.some((n) => compareNumbers(n, wanted.N!) === 0);
  if (container.BS !== undefined) return wanted.B !== undefined && container.BS.some((b) => Buffer.from(b).equals(wanted.B!));
  if (container.L !== undefined) return container.L.some((element) => equalValues(element, wanted));
  return false;
}

function operandValue(operand: Operand, item: Item | undefined): AttributeValue | undefined {
  switch (operand.kind) {
    case 'path':
      return item === undefined ? undefined : resolvePath(item, operand.path);
    case 'value':
      return operand.value;
    case 'call': {
      if (operand.name !== 'size') return undefined;
      const value = operandValue(operand.args[0]!, item);
      const size = value === undefined ? undefined : sizeOf(value);
      return size === undefined ? undefined : { N: String(size) };
    }
    case 'arithmetic':
      return undefined;
  }
}

/** `size()`: characters of a string (UTF-16 units, as DynamoDB Local counts), bytes of binary, elements of the rest. */
function sizeOf(value: AttributeValue): number | undefined {
  if (value.S !== undefined) return value.S.length;
  if (value.B !== undefined) return value.B.length;
  const collection = value.SS ?? value.NS ?? value.BS ?? value.L;
  if (collection !== undefined) return collection.length;
  if (value.M !== undefined) return Object.keys(value.M).length;
  return undefined;
}

/** The value at a path, or undefined where the item has nothing there (or a step does not fit the value's type). */
export function resolvePath(item: Item, path: DocumentPath): AttributeValue | undefined {
  let current: AttributeValue | undefined = { M: item };
  for (const step of path) {
    if (current === undefined) return undefined;
    // Own properties only: an attribute named `constructor` is not Object.prototype's.
    current = typeof step === 'string' ? (current.M !== undefined && Object.hasOwn(current.M, step) ? current.M[step] : undefined) : current.L?.[step];
  }
  return current;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------------------------

/**
 * Orders two values as DynamoDB's `<` does: numbers by value, strings by their UTF-8 bytes, binary by bytes.
 * Undefined when they cannot be ordered: different types, or a type other than S, N and B.
 */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
  const type = typeOf(a);
  if (type !== typeOf(b) || (type !== 'S' && type !== 'N' && type !== 'B')) return undefined;
  return compareScalars(type, a, b);
}

/** Orders two values of one key type (S, N or B). */
export function compareScalars(type: 'S' | 'N' | 'B', a: AttributeValue, b: AttributeValue): number {
  if (type === 'N') return compareNumbers(a.N!, b.N!);
  // UTF-16 order differs from UTF-8 order above U+FFFF: compare the bytes DynamoDB compares.
  return type === 'S' ? Buffer.compare(Buffer.from(a.S!), Buffer.from(b.S!)) : Buffer.compare(Buffer.from(a.B!), Buffer.from(b.B!));
}

/** Orders two numbers in DynamoDB's canonical form (`-12.5`, `1000`, `0.001`) by value, digit by digit. */
export function compareNumbers(a: string, b: string): number {
  const negativeA = a.startsWith('-');
  const negativeB = b.startsWith('-');
  if (negativeA !== negativeB) return negativeA ? -1 : 1;
  const [integerA = '', fractionA = ''] = (negativeA ? a.slice(1) : a).split('.');
  const [integerB = '', fractionB = ''] = (negativeB ? b.slice(1) : b).split('.');
  let order = integerA.length - integerB.length || (integerA < integerB ? -1 : integerA > integerB ? 1 : 0);
  if (order === 0) {
    const width = Math.max(fractionA.length, fractionB.length);
    const paddedA = fractionA.padEnd(width, '0');
    const paddedB = fractionB.padEnd(width, '0');
    order = paddedA < paddedB ? -1 : paddedA > paddedB ? 1 : 0;
  }
  return Math.sign(negativeA ? -order : order);
}

/** DynamoDB's `=`: same type and same content; sets in any order, maps whatever their key order. */
export function equalValues(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  switch (type) {
    case 'S':
      return a.S === b.S;
    case 'N':
      return compareNumbers(a.N!, b.N!) === 0;
    case 'B':
      return Buffer.from(a.B!).equals(Buffer.from(b.B!));
    case 'BOOL':
      return a.BOOL === b.BOOL;
    case 'NULL':
      return true;
    case 'SS':
      return sameMembers(a.SS!, b.SS!, (x) => x);
    case 'NS':
      return sameMembers(a.NS!, b.NS!, (x) => x);
    case 'BS':
      return sameMembers(a.BS!, b.BS!, (x) => Buffer.from(x).toString('base64'));
    case 'L':
      return a.L!.length === b.L!.length && a.L!.every((element, i) => equalValues(element, b.L![i]!));
    case 'M': {
      const keys = Object.keys(a.M!);
      return keys.length === Object.keys(b.M!).length && keys.every((key) => Object.hasOwn(b.M!, key) && equalValues(a.M![key]!, b.M![key]!));
    }
    default:
      return false;
  }
}

function sameMembers<T>(a: readonly T[], b: readonly T[], text: (member: T) => string): boolean {
  const members = new Set(a.map(text));
  return a.length === b.length && b.every((member) => members.has(text(member)));
}

/** The type of a value: `S`, `N`, `B`, `BOOL`, `NULL`, `SS`, `NS`, `BS`, `L` or `M`. */
export function typeOf(value: AttributeValue): string {
  const v = members(value);
  return Object.keys(v).find((type) => v[type] !== undefined) ?? '';
}

function members(value: AttributeValue): Record<string, unknown> {
  return value as unknown as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Updates
// ---------------------------------------------------------------------------------------------------------------

const INVALID_PATH = 'The document path provided in the update expression is invalid for update';
const MISSING_OPERAND = 'The provided expression refers to an attribute that does not exist in the item';
const WRONG_OPERAND_TYPE = 'An operand in the update expression has an incorrect data type';

/**
 * The item an update makes of `original` (the stored item, or the key alone when there is none). Every value is
 * computed from `original` first, as DynamoDB does, then written. Throws DynamoDB's message for a path that does
 * not fit the item, an operand that is missing or of the wrong type, or a number over 38 digits.
 */
export function applyUpdate(actions: UpdateActions, original: Item): Item {
  const sets = actions.set.map(({ path, value }) => ({ path, value: updateValue(value, original) }));
  const adds = actions.add.map(({ path, value }) => ({ path, value: added(resolvePath(original, path), updateValue(value, original)) }));
  const deletes = actions.delete.map(({ path, value }) => ({ path, value: deleted(resolvePath(original, path), updateValue(value, original)) }));
  const item = structuredClone(original);
  for (const { path, value } of [...sets, ...adds]) assign(item, path, value);
  for (const { path, value } of deletes) {
    if (value === 'unchanged') continue;
    if (value === undefined) remove(item, [path]);
    else assign(item, path, value);
  }
  remove(item, actions.remove);
  return item;
}

function updateValue(operand: Operand, item: Item): AttributeValue {
  switch (operand.kind) {
    case 'value':
      return operand.value;
    case 'path': {
      const value = resolvePath(item, operand.path);
      if (value === undefined) throw new ExpressionError(MISSING_OPERAND);
      return value;
    }
    case 'arithmetic': {
      const left = updateValue(operand.left, item);
      const right = updateValue(operand.right, item);
      if (left.N === undefined || right.N === undefined) throw new ExpressionError(WRONG_OPERAND_TYPE);
      return { N: addNumbers(left.N, right.N, operand.operator === '-' ? -1n : 1n) };
    }
    case 'call': {
      if (operand.name === 'if_not_exists') {
        const [path, fallback] = operand.args as [Operand & { kind: 'path' }, Operand];
        return resolvePath(item, path.path) ?? updateValue(fallback, item);
      }
      // list_append, the only other function an update accepts
      const [first, second] = operand.args.map((arg) => updateValue(arg, item));
      if (first?.L === undefined || second?.L === undefined) throw new ExpressionError(WRONG_OPERAND_TYPE);
      return { L: [...first.L, ...second.L] };
    }
  }
}

/** ADD: a number adds to a number, a set joins a set of its type; onto nothing, the value itself. */
function added(existing: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  if (existing === undefined) return value;
  if (existing.N !== undefined && value.N !== undefined) return { N: addNumbers(existing.N, value.N, 1n) };
  const type = typeOf(existing);
  if (type !== typeOf(value) || !['SS', 'NS', 'BS'].includes(type)) throw new ExpressionError(WRONG_OPERAND_TYPE);
  const set = members(existing)[type] as unknown[];
  const more = members(value)[type] as unknown[];
  const key = (member: unknown) => (member instanceof Uint8Array ? Buffer.from(member).toString('base64') : String(member));
  const seen = new Set(set.map(key));
  return { [type]: [...set, ...more.filter((member) => !seen.has(key(member)))] } as unknown as AttributeValue;
}

/** DELETE: the set without the value's members; undefined when nothing is left (the attribute goes). */
function deleted(existing: AttributeValue | undefined, value: AttributeValue): AttributeValue | undefined | 'unchanged' {
  if (existing === undefined) return 'unchanged';
  const type = typeOf(existing);
  if (type !== typeOf(value) || !['SS', 'NS', 'BS'].includes(type)) throw new ExpressionError(WRONG_OPERAND_TYPE);
  const key = (member: unknown) => (member instanceof Uint8Array ? Buffer.from(member).toString('base64') : String(member));
  const gone = new Set((members(value)[type] as unknown[]).map(key));
  const left = (members(existing)[type] as unknown[]).filter((member) => !gone.has(key(member)));
  return left.length === 0 ? undefined : ({ [type]: left } as unknown as AttributeValue);
}

/** Writes a value at a path whose parent exists; an index past a list's end appends. */
function assign(item: Item, path: DocumentPath, value: AttributeValue): void {
  const parent = resolvePath(item, path.slice(0, -1));
  const last = path.at(-1)!;
  if (typeof last === 'string') {
    if (parent?.M === undefined) throw new ExpressionError(INVALID_PATH);
    parent.M[last] = value;
  } else {
    if (parent?.L === undefined) throw new ExpressionError(INVALID_PATH);
    if (last >= parent.L.length) parent.L.push(value);
    else parent.L[last] = value;
  }
}

/** Removes paths; list elements go from the highest index down, so each index means what it meant in the original. */
function remove(item: Item, paths: readonly DocumentPath[]): void {
  const fromLists: { list: AttributeValue[]; index: number }[] = [];
  for (const path of paths) {
    const parent = resolvePath(item, path.slice(0, -1));
    const last = path.at(-1)!;
    if (typeof last === 'string') {
      if (parent?.M === undefined) throw new ExpressionError(INVALID_PATH);
      delete parent.M[last];
    } else {
      if (parent?.L === undefined) throw new ExpressionError(INVALID_PATH);
      fromLists.push({ list: parent.L, index: last });
    }
  }
  fromLists.sort((a, b) => b.index - a.index);
  for (const { list, index } of fromLists) if (index < list.length) list.splice(index, 1);
}

/** `a + b` (sign 1n) or `a - b` (sign -1n) of two canonical numbers, exactly, in canonical form. */
export function addNumbers(a: string, b: string, sign: 1n | -1n): string {
  const x = decimal(a);
  const y = decimal(b);
  const scale = Math.max(x.scale, y.scale);
  const units = x.units * 10n ** BigInt(scale - x.scale) + sign * y.units * 10n ** BigInt(scale - y.scale);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const significant = (integer + fraction).replace(/^0+/, '').replace(/0+$/, '');
  if (significant.length > 38) throw new ExpressionError('DynamoDB only supports precision up to 38 digits');
  const text = fraction ? `${integer}.${fraction}` : integer;
  return negative && significant !== '' ? `-${text}` : text;
}

function decimal(number: string): { units: bigint; scale: number } {
  const negative = number.startsWith('-');
  const [integer = '0', fraction = ''] = (negative ? number.slice(1) : number).split('.');
  const units = BigInt(integer + fraction);
  return { units: negative ? -units : units, scale: fraction.length };
}

// ---------------------------------------------------------------------------------------------------------------
// Reserved words
// ---------------------------------------------------------------------------------------------------------------

/** DynamoDB's reserved words (its Developer Guide's list): unescaped as attribute names, they fail the request. */
const RESERVED_WORDS: ReadonlySet<string> = new Set(
  `
  ABORT ABSOLUTE ACTION ADD AFTER AGENT AGGREGATE ALL ALLOCATE ALTER ANALYZE AND ANY ARCHIVE ARE ARRAY AS ASC ASCII
  ASENSITIVE ASSERTION ASYMMETRIC AT ATOMIC ATTACH ATTRIBUTE AUTH AUTHORIZATION AUTHORIZE AUTO AVG BACK BACKUP BASE
  BATCH BEFORE BEGIN BETWEEN BIGINT BINARY BIT BLOB BLOCK BOOLEAN BOTH BREADTH BUCKET BULK BY BYTE CALL CALLED CALLING
  CAPACITY CASCADE CASCADED CASE CAST CATALOG CHAR CHARACTER CHECK CLASS CLOB CLOSE CLUSTER CLUSTERED CLUSTERING
  CLUSTERS COALESCE COLLATE COLLATION COLLECTION COLUMN COLUMNS COMBINE COMMENT COMMIT COMPACT COMPILE COMPRESS
  CONDITION CONFLICT CONNECT CONNECTION CONSISTENCY CONSISTENT CONSTRAINT CONSTRAINTS CONSTRUCTOR CONSUMED CONTINUE
  CONVERT COPY CORRESPONDING COUNT COUNTER CREATE CROSS CUBE CURRENT CURSOR CYCLE DATA DATABASE DATE DATETIME DAY
  DEALLOCATE DEC DECIMAL DECLARE DEFAULT DEFERRABLE DEFERRED DEFINE DEFINED DEFINITION DELETE DELIMITED DEPTH DEREF DESC
  DESCRIBE DESCRIPTOR DETACH DETERMINISTIC DIAGNOSTICS DIRECTORIES DISABLE DISCONNECT DISTINCT DISTRIBUTE DO DOMAIN
  DOUBLE DROP DUMP DURATION DYNAMIC EACH ELEMENT ELSE ELSEIF EMPTY ENABLE END EQUAL EQUALS ERROR ESCAPE ESCAPED EVAL
  EVALUATE EXCEEDED EXCEPT EXCEPTION EXCEPTIONS EXCLUSIVE EXEC EXECUTE EXISTS EXIT EXPLAIN EXPLODE EXPORT EXPRESSION
  EXTENDED EXTERNAL EXTRACT FAIL FALSE FAMILY FETCH FIELDS FILE FILTER FILTERING FINAL FINISH FIRST FIXED FLATTERN FLOAT
  FOR FORCE FOREIGN FORMAT FORWARD FOUND FREE FROM FULL FUNCTION FUNCTIONS GENERAL GENERATE GET GLOB GLOBAL GO GOTO
  GRANT GREATER GROUP GROUPING HANDLER HASH HAVE HAVING HEAP HIDDEN HOLD HOUR IDENTIFIED IDENTITY IF IGNORE IMMEDIATE
  IMPORT IN INCLUDING INCLUSIVE INCREMENT INCREMENTAL INDEX INDEXED INDEXES INDICATOR INFINITE INITIALLY INLINE INNER
  INNTER INOUT INPUT INSENSITIVE INSERT INSTEAD INT INTEGER INTERSECT INTERVAL INTO INVALIDATE IS ISOLATION ITEM ITEMS
  ITERATE JOIN KEY KEYS LAG LANGUAGE LARGE LAST LATERAL LEAD LEADING LEAVE LEFT LENGTH LESS LEVEL LIKE LIMIT LIMITED
  LINES LIST LOAD LOCAL LOCALTIME LOCALTIMESTAMP LOCATION LOCATOR LOCK LOCKS LOG LOGED LONG LOOP LOWER MAP MATCH
  MATERIALIZED MAX MAXLEN MEMBER MERGE METHOD METRICS MIN MINUS MINUTE MISSING MOD MODE MODIFIES MODIFY MODULE MONTH
  MULTI MULTISET NAME NAMES NATIONAL NATURAL NCHAR NCLOB NEW NEXT NO NONE NOT NULL NULLIF NUMBER NUMERIC OBJECT OF
  OFFLINE OFFSET OLD ON ONLINE ONLY OPAQUE OPEN OPERATOR OPTION OR ORDER ORDINALITY OTHER OTHERS OUT OUTER OUTPUT OVER
  OVERLAPS OVERRIDE OWNER PAD PARALLEL PARAMETER PARAMETERS PARTIAL PARTITION PARTITIONED PARTITIONS PATH PERCENT
  PERCENTILE PERMISSION PERMISSIONS PIPE PIPELINED PLAN POOL POSITION PRECISION PREPARE PRESERVE PRIMARY PRIOR PRIVATE
  PRIVILEGES PROCEDURE PROCESSED PROJECT PROJECTION PROPERTY PROVISIONING PUBLIC PUT QUERY QUIT QUORUM RAISE RANDOM
  RANGE RANK RAW READ READS REAL REBUILD RECORD RECURSIVE REDUCE REF REFERENCE REFERENCES REFERENCING REGEXP REGION
  REINDEX RELATIVE RELEASE REMAINDER RENAME REPEAT REPLACE REQUEST RESET RESIGNAL RESOURCE RESPONSE RESTORE RESTRICT
  RESULT RETURN RETURNING RETURNS REVERSE REVOKE RIGHT ROLE ROLES ROLLBACK ROLLUP ROUTINE ROW ROWS RULE RULES SAMPLE
  SATISFIES SAVE SAVEPOINT SCAN SCHEMA SCOPE SCROLL SEARCH SECOND SECTION SEGMENT SEGMENTS SELECT SELF SEMI SENSITIVE
  SEPARATE SEQUENCE SERIALIZABLE SESSION SET SETS SHARD SHARE SHARED SHORT SHOW SIGNAL SIMILAR SIZE SKEWED SMALLINT
  SNAPSHOT SOME SOURCE SPACE SPACES SPARSE SPECIFIC SPECIFICTYPE SPLIT SQL SQLCODE SQLERROR SQLEXCEPTION SQLSTATE
  SQLWARNING START STATE STATIC STATUS STORAGE STORE STORED STREAM STRING STRUCT STYLE SUB SUBMULTISET SUBPARTITION
  SUBSTRING SUBTYPE SUM SUPER SYMMETRIC SYNONYM SYSTEM TABLE TABLESAMPLE TEMP TEMPORARY TERMINATED TEXT THAN THEN
  THROUGHPUT TIME TIMESTAMP TIMEZONE TINYINT TO TOKEN TOTAL TOUCH TRAILING TRANSACTION TRANSFORM TRANSLATE TRANSLATION
  TREAT TRIGGER TRIM TRUE TRUNCATE TTL TUPLE TYPE UNDER UNDO UNION UNIQUE UNIT UNKNOWN UNLOGGED UNNEST UNPROCESSED
  UNSIGNED UNTIL UPDATE UPPER URL USAGE USE USER USERS USING UUID VACUUM VALUE VALUED VALUES VARCHAR VARIABLE VARIANCE
  VARINT VARYING VIEW VIEWS VIRTUAL VOID WAIT WHEN WHENEVER WHERE WHILE WINDOW WITH WITHIN WITHOUT WORK WRAPPED WRITE
  YEAR ZONE
`
    .trim()
    .split(/\s+/),
);
