import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  addNumbers,
  applyUpdate,
  checkExpressionParameters,
  compareNumbers,
  compareValues,
  equalValues,
  evaluateCondition,
  ExpressionError,
  parseExpressions,
  type ExpressionInput,
  type ExpressionName,
  type Item,
} from '../src/testing/fake-expressions.js';

/*
 * Every message below is what DynamoDB Local 3.x answered to the same expression (checked with a scratch script
 * against `startDynamoDBLocal()`); where dynalite words one differently, the test says so.
 */

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: string): AttributeValue => ({ N: value });
const bytes = (...values: number[]): AttributeValue => ({ B: new Uint8Array(values) });

/** Values reach the parser normalized by the fake; these are already in canonical form. */
const asGiven = (value: AttributeValue) => value;

function parse(input: ExpressionInput, accepted: readonly ExpressionName[] = ['ConditionExpression']) {
  return parseExpressions(input, accepted, asGiven);
}

/** A test title for an expression: the first 70 characters. */
const title = (text: string) => JSON.stringify(text.length > 70 ? `${text.slice(0, 67)}...` : text);

/** The message of the ExpressionError `run` throws. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
  throw new Error('expected an ExpressionError');
}

const conditionRefusal = (ConditionExpression: string, ExpressionAttributeValues?: Item, ExpressionAttributeNames?: Record<string, string>) =>
  refusal(() => parse({ ConditionExpression, ExpressionAttributeValues, ExpressionAttributeNames }));
const updateRefusal = (UpdateExpression: string, ExpressionAttributeValues?: Item, ExpressionAttributeNames?: Record<string, string>) =>
  refusal(() => parse({ UpdateExpression, ExpressionAttributeValues, ExpressionAttributeNames }, ['UpdateExpression', 'ConditionExpression']));

describe('fake expressions: syntax errors, worded as DynamoDB words them', () => {
  // dynalite words these after its parser generator ("Expected ... but ... found."); DynamoDB shows the token.
  it.each([
    ['attribute_not_exists(id) OR', {}, 'token: "<EOF>", near: "OR"'],
    ['id <', {}, 'token: "<EOF>", near: "<"'],
    ['attribute_exists(id))', {}, 'token: ")", near: "))"'],
    ['id = = :v', { ':v': N('1') }, 'token: "=", near: "= = :v"'],
    ['id = :v ! x', { ':v': N('1') }, 'token: "!", near: ":v ! x"'],
    ['id', {}, 'token: "<EOF>", near: "id"'],
    ['   ', {}, 'token: "<EOF>", near: "   "'],
    ['attribute_exists(1x)', {}, 'token: "1", near: "(1x"'],
    ['attribute_not_exists(_a1)', {}, 'token: "_", near: "(_a1"'],
    ['attribute_exists(and)', {}, 'token: "and", near: "(and)"'],
    ['attribute_not_exists(between)', {}, 'token: "between", near: "(between)"'],
  ])('ConditionExpression %j', (expression, values, message) => {
    const given = Object.keys(values).length > 0 ? values : undefined;
    expect(conditionRefusal(expression, given)).toBe(`Invalid ConditionExpression: Syntax error; ${message}`);
  });

  it.each([
    ['SET = :x', 'token: "=", near: "SET = :x"'],
    ['SET a = :x,', 'token: "<EOF>", near: ","'],
    ['SET a =', 'token: "<EOF>", near: "="'],
    ['a = :x', 'token: "a", near: "a ="'],
    ['SET a = :x, #, b = :x', 'token: "#", near: ", #,"'],
    ['SET', 'token: "<EOF>", near: "SET"'],
    ['REMOVE :x', 'token: ":x", near: "REMOVE :x"'],
    ['SET remove = :x', 'token: "remove", near: "SET remove ="'],
  ])('UpdateExpression %j', (expression, message) => {
    expect(updateRefusal(expression, { ':x': S('b') })).toBe(`Invalid UpdateExpression: Syntax error; ${message}`);
  });

  it('reports a syntax error before any other problem, and the UpdateExpression before the ConditionExpression', () => {
    expect(conditionRefusal('status <', undefined, { '#x': 'x' })).toBe('Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "<"');
    expect(refusal(() => parse({ UpdateExpression: 'SET a =', ConditionExpression: 'x <' }, ['UpdateExpression', 'ConditionExpression']))).toBe(
      'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "="',
    );
  });
});

describe('fake expressions: condition problems', () => {
  const values: Item = { ':v': S('1'), ':w': S('2'), ':n': N('1'), ':three': N('3'), ':ss': { SS: ['a'] }, ':t': S('XX'), ':flag': { BOOL: true } };
  /** The values the expression names, or none (an empty map is itself refused). */
  const used = (expression: string) => {
    const named = Object.entries(values).filter(([key]) => new RegExp(`${key}\\b`).test(expression));
    return named.length > 0 ? Object.fromEntries(named) : undefined;
  };
  const tooLong = `attribute_not_exists(a${'z'.repeat(4096)})`;
  const manyOrs = `attribute_not_exists(id) OR ${Array.from({ length: 150 }, () => 'x = :v').join(' OR ')}`;

  const CASES: [string, string][] = [
    ['', 'The expression can not be empty;'],
    [tooLong, 'Expression size has exceeded the maximum allowed size; expression size: 4119'],
    ['attribute_not_exists(status)', 'Attribute name is a reserved keyword; reserved keyword: status'],
    ['Name = :v', 'Attribute name is a reserved keyword; reserved keyword: Name'],
    ['attribute_exists(a.value)', 'Attribute name is a reserved keyword; reserved keyword: value'],
    ['foo(id)', 'Invalid function name; function: foo'],
    ['((attribute_not_exists(id)))', 'The expression has redundant parentheses;'],
    ['attribute_not_exists(id) AND ((x = :v OR attribute_not_exists(x)))', 'The expression has redundant parentheses;'],
    ['attribute_exists(:v)', 'Operator or function requires a document path; operator or function: attribute_exists'],
    ['attribute_exists(id, x)', 'Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2'],
    ['begins_with(s, :n)', 'Incorrect operand type for operator or function; operator or function: begins_with, operand type: N'],
    ['s < :ss', 'Incorrect operand type for operator or function; operator or function: <, operand type: SS'],
    ['s >= :flag', 'Incorrect operand type for operator or function; operator or function: >=, operand type: BOOL'],
    ['x = x', 'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [x]'],
    ['size(s)', 'The function is not allowed to be used this way in an expression; function: size'],
    ['attribute_exists(x) = :v', 'The function is not allowed to be used this way in an expression; function: attribute_exists'],
    ['size(:n) = :n', 'Incorrect operand type for operator or function; operator or function: size, operand type: N'],
    [
      'n BETWEEN :three AND :n',
      'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:3}, upper bound operand: AttributeValue: {N:1}',
    ],
    [
      'n BETWEEN :n AND :v',
      'The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:1}',
    ],
    ['attribute_type(ss, :t)', 'Invalid attribute type name found; type: XX, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}'],
    ['attribute_not_exists(#q) OR #r = :v', 'An expression attribute name used in the document path is not defined; attribute name: #q'],
    ['id = :q OR #r = :v', 'An expression attribute value used in expression is not defined; attribute value: :q'],
    // One problem is reported, by rank: parentheses, reserved words, functions, then the rest.
    ['#q = :v AND status = :v', 'Attribute name is a reserved keyword; reserved keyword: status'],
    ['((status = :v))', 'The expression has redundant parentheses;'],
    ['status = :v AND foo(x)', 'Attribute name is a reserved keyword; reserved keyword: status'], // dynalite: the function first
    [manyOrs, 'The expression contains too many operators; operator count: 301'], // dynalite has no limit
  ];
  for (const [expression, message] of CASES) {
    it(`refuses ${title(expression)}`, () => {
      expect(conditionRefusal(expression, used(expression))).toBe(`Invalid ConditionExpression: ${message}`);
    });
  }

  it('takes 300 operators, and counts functions, comparisons and logical operators', () => {
    const atLimit = `attribute_not_exists(id) OR ${Array.from({ length: 149 }, () => 'x = :v').join(' OR ')}`; // 1 + 149 + 149
    expect(() => parse({ ConditionExpression: atLimit, ExpressionAttributeValues: { ':v': S('1') } })).not.toThrow();
  });

  it('takes an expression of exactly 4096 bytes, counted in UTF-8', () => {
    const exact = `attribute_not_exists(a${'z'.repeat(4096 - 23)})`;
    expect(Buffer.byteLength(exact)).toBe(4096);
    expect(() => parse({ ConditionExpression: exact })).not.toThrow();
    // 2,100 characters of 2 bytes each: over the limit, which counts bytes.
    expect(conditionRefusal('é'.repeat(2100))).toBe('Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4200');
  });

  it('accepts what DynamoDB accepts: lower-case keywords, NOT NOT, parenthesised operands and single parentheses', () => {
    for (const expression of [
      'not attribute_exists(id) and attribute_not_exists(x) or id = :v',
      'NOT NOT attribute_not_exists(id)',
      '(x) = :v',
      '(attribute_not_exists(id))',
      '(x = :v) OR (attribute_not_exists(id))',
      'x BETWEEN :v AND :w',
      'x IN (:v, :w)',
      'contains(:v, s)',
      'attribute_exists(#d)',
    ]) {
      const names = expression.includes('#d') ? { '#d': 'a.b' } : undefined;
      expect(() => parse({ ConditionExpression: expression, ExpressionAttributeValues: used(expression), ExpressionAttributeNames: names }), expression).not.toThrow();
    }
  });

  it('does not take a placeholder mapped to a reserved word for a reserved word', () => {
    expect(() => parse({ ConditionExpression: 'attribute_not_exists(#s)', ExpressionAttributeNames: { '#s': 'status' } })).not.toThrow();
  });
});

describe('fake expressions: update problems', () => {
  const CASES: [string, Item | undefined, string][] = [
    ['SET a = :x SET b = :x', { ':x': S('b') }, 'The "SET" section can only be used once in an update expression;'],
    ['REMOVE a REMOVE b', undefined, 'The "REMOVE" section can only be used once in an update expression;'],
    ['SET a = :x REMOVE a', { ':x': S('b') }, 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]'],
    ['SET a.b = :x, a = :x', { ':x': S('b') }, 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]'],
    ['SET a.b = :x, a[0] = :x', { ':x': S('b') }, 'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]'],
    ['SET #a = :x', { ':x': S('b') }, 'An expression attribute name used in the document path is not defined; attribute name: #a'],
    ['SET a = :nope', undefined, 'An expression attribute value used in expression is not defined; attribute value: :nope'],
    ['SET b = :x, data = :x', { ':x': S('b') }, 'Attribute name is a reserved keyword; reserved keyword: data'],
    ['REMOVE timestamp', undefined, 'Attribute name is a reserved keyword; reserved keyword: timestamp'],
    ['SET data = :nope', undefined, 'Attribute name is a reserved keyword; reserved keyword: data'],
    ['SET a = foo(:x)', { ':x': S('b') }, 'Invalid function name; function: foo'],
    ['SET a = size(s)', undefined, 'The function is not allowed in an update expression; function: size'], // dynalite: "Invalid function name"
    ['SET a = if_not_exists(:x, :x)', { ':x': S('b') }, 'Operator or function requires a document path; operator or function: if_not_exists'],
    ['SET a = list_append(:x)', { ':x': { L: [] } }, 'Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1'],
    ['SET a = :x + :x', { ':x': S('b') }, 'Incorrect operand type for operator or function; operator or function: +, operand type: S'],
    ['ADD s :x', { ':x': S('1') }, 'Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND'],
    ['DELETE n :x', { ':x': N('1') }, 'Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND'],
    [`SET a${'z'.repeat(4096)} = :x`, { ':x': S('b') }, 'Expression size has exceeded the maximum allowed size;'], // no size, unlike a condition
  ];
  for (const [expression, values, message] of CASES) {
    it(`refuses ${title(expression)}`, () => {
      expect(updateRefusal(expression, values)).toBe(`Invalid UpdateExpression: ${message}`);
    });
  }

  it('does not count the = of a SET as an operator, as the service documents', () => {
    const names = Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`#${i}`, `attr${i}`]));
    const expression = `SET ${Object.keys(names).map((name) => `${name}=:v`).join(',')}`;
    expect(() => parse({ UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: { ':v': N('1') } }, ['UpdateExpression'])).not.toThrow();
  });
});

describe('fake expressions: parameters', () => {
  it.each([
    [{ ExpressionAttributeNames: { '#k': 'id' } }, ['ConditionExpression'], 'ExpressionAttributeNames can only be specified when using expressions'],
    [{ ExpressionAttributeValues: { ':v': N('1') } }, ['ConditionExpression'], 'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null'],
    [
      { ExpressionAttributeValues: { ':v': N('1') } },
      ['UpdateExpression', 'ConditionExpression'],
      'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null',
    ],
    [
      { ConditionExpression: 'attribute_not_exists(id)', Expected: { id: { Exists: false } } },
      ['ConditionExpression'],
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}',
    ],
  ] as const)('checkExpressionParameters refuses %o for %o', (input, accepted, message) => {
    expect(refusal(() => checkExpressionParameters(input as Record<string, unknown>, accepted, ['Expected']))).toBe(message);
  });

  const condition = 'attribute_not_exists(#k)';
  const CASES: [Partial<ExpressionInput>, string][] = [
    [{ ExpressionAttributeNames: {} }, 'ExpressionAttributeNames must not be empty'],
    [{ ExpressionAttributeNames: { '#k': 'id' }, ExpressionAttributeValues: {} }, 'ExpressionAttributeValues must not be empty'],
    [{ ExpressionAttributeNames: { '#k': 'id', '#a-b': 'x' } }, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'],
    [{ ExpressionAttributeNames: { '#k': 'id' }, ExpressionAttributeValues: { v: N('1') } }, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'],
    [
      { ExpressionAttributeNames: { '#k': 'id', [`#${'a'.repeat(255)}`]: 'x' } },
      'ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256',
    ],
    [{ ExpressionAttributeNames: { '#k': '' } }, 'ExpressionAttributeNames contains invalid value: Empty attribute name for key #k'],
    [
      { ExpressionAttributeNames: { '#k': 'x'.repeat(65536) } },
      'ExpressionAttributeNames contains invalid value: Attribute name is too large, must be less than 65536 bytes for key #k',
    ],
    [{ ExpressionAttributeNames: { '#k': 'id', '#x': 'x', '#y': 'y' } }, 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#x, #y}'],
    [
      { ExpressionAttributeNames: { '#k': 'id' }, ExpressionAttributeValues: { ':x': N('1'), ':y': N('2') } },
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:x, :y}',
    ],
    // Unused names are reported before unused values.
    [{ ExpressionAttributeNames: { '#k': 'id', '#x': 'x' }, ExpressionAttributeValues: { ':x': N('1') } }, 'Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}'],
  ];
  for (const [parameters, message] of CASES) {
    it(`parseExpressions refuses ${title(JSON.stringify(parameters))}`, () => {
      expect(refusal(() => parse({ ConditionExpression: condition, ...parameters }))).toBe(message);
    });
  }

  it('counts a placeholder used by either expression as used', () => {
    const input = {
      UpdateExpression: 'SET #a = :x',
      ConditionExpression: 'attribute_exists(#b)',
      ExpressionAttributeNames: { '#a': 'a', '#b': 'b', '#c': 'c' },
      ExpressionAttributeValues: { ':x': N('1') },
    };
    expect(refusal(() => parse(input, ['UpdateExpression', 'ConditionExpression']))).toBe('Value provided in ExpressionAttributeNames unused in expressions: keys: {#c}');
  });

  it('wraps a bad value in DynamoDB’s words, with its key', () => {
    const refuseNaN = (value: AttributeValue) => {
      if (value.N === 'NaN') throw new Error('The parameter cannot be converted to a numeric value: NaN');
      return value;
    };
    const input = { ConditionExpression: 'n = :v', ExpressionAttributeValues: { ':v': N('NaN') } };
    expect(refusal(() => parseExpressions(input, ['ConditionExpression'], refuseNaN))).toBe(
      'ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: NaN for key :v',
    );
  });
});

describe('fake expressions: evaluating conditions', () => {
  const ITEM: Item = {
    id: S('a'),
    s: S('é'),
    emoji: S('\u{1F600}'),
    n: N('7'),
    big: N('12345678901234567890123456789012345678'),
    tiny: N('0.00000000000000000000000000000000000001'),
    ss: { SS: ['x', 'y'] },
    ns: { NS: ['2', '1'] },
    l: { L: [S('0'), N('1')] },
    m: { M: { x: N('1'), y: N('2'), parts: { L: [S('z'), { M: { deep: N('3') } }] } } },
    'a.b': S('dotted'),
    b: bytes(1, 2, 3),
    high: bytes(0x7f, 0xff),
    flag: { BOOL: true },
    nothing: { NULL: true },
    version: S('1'),
  };
  const decideFor = (item: Item | undefined, expression: string, values?: Item, names?: Record<string, string>) =>
    evaluateCondition(parse({ ConditionExpression: expression, ExpressionAttributeValues: values, ExpressionAttributeNames: names }).condition!, item);
  const decide = (expression: string, values?: Item, names?: Record<string, string>) => decideFor(ITEM, expression, values, names);

  it.each([
    // Existence
    ['attribute_exists(id)', undefined, undefined, true],
    ['attribute_not_exists(nope)', undefined, undefined, true],
    ['attribute_exists(m.parts[1].deep)', undefined, undefined, true],
    ['attribute_exists(m.parts[2])', undefined, undefined, false],
    ['attribute_exists(m[0])', undefined, undefined, false], // an index into a map finds nothing
    ['attribute_exists(#d)', undefined, { '#d': 'a.b' }, true], // a placeholder names one attribute, dots and all
    ['attribute_exists(#c)', undefined, { '#c': 'constructor' }, false], // not Object.prototype's
    // Numbers: exact, 38 digits, whatever the written form
    ['n = :v', { ':v': N('7') }, undefined, true],
    ['big < :v', { ':v': N('12345678901234567890123456789012345679') }, undefined, true],
    ['big < :v', { ':v': N('12345678901234567890123456789012345678') }, undefined, false],
    ['big > :v', { ':v': N('12345678901234567890123456789012345677') }, undefined, true],
    ['tiny > :v', { ':v': N('0') }, undefined, true],
    ['n > :v', { ':v': N('6.99999999999999999999999999999999999') }, undefined, true],
    ['n > :v', { ':v': N('-100000000000000000000') }, undefined, true],
    ['n <= :v', { ':v': N('7') }, undefined, true],
    ['n >= :v', { ':v': N('7.00000000000000000000000000000000001') }, undefined, false],
    // Strings by UTF-8 bytes (U+1F600 is after U+FFFF in UTF-8, before it in UTF-16), binary by bytes
    ['emoji > :v', { ':v': S('\uFFFF') }, undefined, true],
    ['s > :v', { ':v': S('z') }, undefined, true],
    ['high < :v', { ':v': bytes(0x80) }, undefined, true],
    // Mismatched types and missing attributes: false, but <> is true
    ['version < :v', { ':v': N('3') }, undefined, false],
    ['version = :v', { ':v': N('1') }, undefined, false],
    ['version <> :v', { ':v': N('1') }, undefined, true],
    ['nope = :v', { ':v': N('1') }, undefined, false],
    ['nope < :v', { ':v': N('1') }, undefined, false],
    ['nope <> :v', { ':v': N('1') }, undefined, true],
    ['NOT nope <> :v', { ':v': N('1') }, undefined, false],
    ['NOT version < :v', { ':v': N('3') }, undefined, true],
    ['ss < l', undefined, undefined, false],
    // Documents and sets by content
    ['m = :v', { ':v': { M: { y: N('2'), x: N('1'), parts: { L: [S('z'), { M: { deep: N('3') } }] } } } }, undefined, true],
    ['l = :v', { ':v': { L: [N('1'), S('0')] } }, undefined, false],
    ['ns = :v', { ':v': { NS: ['1', '2'] } }, undefined, true],
    ['ss = :v', { ':v': { SS: ['y', 'x'] } }, undefined, true],
    ['b = :v', { ':v': bytes(1, 2, 3) }, undefined, true],
    ['flag = :v', { ':v': { BOOL: true } }, undefined, true],
    ['nothing = :v', { ':v': { NULL: true } }, undefined, true],
    // Functions
    ['begins_with(s, :v)', { ':v': S('é') }, undefined, true],
    ['begins_with(b, :v)', { ':v': bytes(1, 2) }, undefined, true],
    ['begins_with(b, :v)', { ':v': bytes(2) }, undefined, false],
    ['begins_with(n, :v)', { ':v': S('7') }, undefined, false],
    ['contains(ss, :v)', { ':v': S('y') }, undefined, true],
    ['contains(ns, :v)', { ':v': N('2') }, undefined, true],
    ['contains(l, :v)', { ':v': N('1') }, undefined, true],
    ['contains(s, :v)', { ':v': S('é') }, undefined, true],
    ['contains(b, :v)', { ':v': bytes(2, 3) }, undefined, true],
    ['attribute_type(ss, :t)', { ':t': S('SS') }, undefined, true],
    ['attribute_type(n, :t)', { ':t': S('S') }, undefined, false],
    ['size(s) = :v', { ':v': N('1') }, undefined, true],
    ['size(b) = :v AND size(m) = :v AND size(ss) < :v', { ':v': N('3') }, undefined, true],
    ['size(n) = :v OR size(n) <> :v', { ':v': N('1') }, undefined, true],
    ['n BETWEEN :a AND :b', { ':a': N('7'), ':b': N('7.5') }, undefined, true],
    ['n BETWEEN :a AND :b', { ':a': S('1'), ':b': S('9') }, undefined, false],
    ['n IN (:a, :b)', { ':a': N('1'), ':b': N('7') }, undefined, true],
    ['nope IN (:a)', { ':a': N('1') }, undefined, false],
    // Precedence: NOT, then AND, then OR
    ['attribute_exists(id) OR attribute_exists(nope) AND attribute_exists(nope)', undefined, undefined, true],
    ['(attribute_exists(id) OR attribute_exists(nope)) AND attribute_exists(nope)', undefined, undefined, false],
    ['NOT attribute_exists(nope) AND attribute_exists(id)', undefined, undefined, true],
  ])('%s with %j and %j is %s', (expression, values, names, expected) => {
    expect(decide(expression, values, names)).toBe(expected);
  });

  it.each([
    [{ id: S('a'), version: N('4') }, true],
    [{ id: S('a'), version: N('5') }, false],
    [{ id: S('a'), version: N('5.000') }, false],
    [{ id: S('a'), version: N('6') }, false],
    [{ id: S('a') }, true],
    [{ id: S('a'), version: S('1') }, false],
    [undefined, true],
  ])('decides the version guard against %j: %s', (item, expected) => {
    const guard = 'attribute_not_exists(#k) OR attribute_not_exists(#v) OR #v < :v';
    expect(decideFor(item, guard, { ':v': N('5') }, { '#k': 'id', '#v': 'version' })).toBe(expected);
  });
});

describe('fake expressions: applying updates', () => {
  const ORIGINAL: Item = {
    id: S('a'),
    n: N('7'),
    s: S('é'),
    ss: { SS: ['x', 'y'] },
    ns: { NS: ['1'] },
    l: { L: [S('0'), S('1'), S('2')] },
    m: { M: { x: N('1'), y: N('2') } },
    big: N('99999999999999999999999999999999999999'),
  };
  const update = (expression: string, values?: Item, names?: Record<string, string>, original: Item = ORIGINAL) =>
    applyUpdate(parse({ UpdateExpression: expression, ExpressionAttributeValues: values, ExpressionAttributeNames: names }, ['UpdateExpression']).update!, original);
  const { id, n, s, ss, ns, l, m, big } = ORIGINAL;

  it.each([
    ['SET #a0 = :a0, #a1 = :a1', { ':a0': N('5'), ':a1': S('x') }, { '#a0': 'version', '#a1': 'name' }, { ...ORIGINAL, version: N('5'), name: S('x') }],
    ['SET #a0 = :a0 REMOVE #t', { ':a0': N('5') }, { '#a0': 'version', '#t': 'ss' }, { id, n, s, ns, l, m, big, version: N('5') }],
    ['REMOVE nope', undefined, undefined, ORIGINAL],
    ['SET m.z = :v, l[1] = :v, l[9] = :v', { ':v': S('v') }, undefined, { ...ORIGINAL, m: { M: { x: N('1'), y: N('2'), z: S('v') } }, l: { L: [S('0'), S('v'), S('2'), S('v')] } }],
    ['REMOVE l[0], l[2], l[7], m.x', undefined, undefined, { ...ORIGINAL, l: { L: [S('1')] }, m: { M: { y: N('2') } } }],
    ['SET n = n + :v, twin = s', { ':v': N('0.5') }, undefined, { ...ORIGINAL, n: N('7.5'), twin: S('é') }],
    ['SET n = n - :v', { ':v': N('0.00000000000000000000000000000000001') }, undefined, { ...ORIGINAL, n: N('6.99999999999999999999999999999999999') }],
    ['SET n = :v - n', { ':v': N('7') }, undefined, { ...ORIGINAL, n: N('0') }],
    ['SET n = if_not_exists(n, :v), fresh = if_not_exists(fresh, :v)', { ':v': N('1') }, undefined, { ...ORIGINAL, fresh: N('1') }],
    ['SET l = list_append(:v, l)', { ':v': { L: [S('new')] } }, undefined, { ...ORIGINAL, l: { L: [S('new'), S('0'), S('1'), S('2')] } }],
    ['ADD n :v, ss :s, fresh :v', { ':v': N('1'), ':s': { SS: ['y', 'z'] } }, undefined, { ...ORIGINAL, n: N('8'), ss: { SS: ['x', 'y', 'z'] }, fresh: N('1') }],
    ['DELETE ss :s, ns :n, nope :s', { ':s': { SS: ['x', 'q'] }, ':n': { NS: ['1'] } }, undefined, { id, n, s, l, m, big, ss: { SS: ['y'] } }],
    // Every value is read from the item as it was: the swap works.
    ['SET a = s, s = a', undefined, undefined, undefined],
  ])('%s', (expression, values, names, expected) => {
    if (expected === undefined) {
      expect(() => update(expression, values, names)).toThrow('The provided expression refers to an attribute that does not exist in the item');
      return;
    }
    expect(update(expression, values, names)).toEqual(expected);
  });

  it('leaves the original item alone', () => {
    const original = structuredClone(ORIGINAL);
    update('SET m.z = :v REMOVE l[0]', { ':v': S('v') });
    expect(ORIGINAL).toEqual(original);
  });

  it('creates an item from its key', () => {
    expect(update('SET a = :v REMOVE b', { ':v': S('x') }, undefined, { id: S('k') })).toEqual({ id: S('k'), a: S('x') });
  });

  it.each([
    ['SET q.x = :v', { ':v': S('v') }, 'The document path provided in the update expression is invalid for update'],
    ['SET q[0] = :v', { ':v': S('v') }, 'The document path provided in the update expression is invalid for update'],
    ['SET m[0] = :v', { ':v': S('v') }, 'The document path provided in the update expression is invalid for update'],
    ['SET l.x = :v', { ':v': S('v') }, 'The document path provided in the update expression is invalid for update'],
    ['REMOVE nope.q', undefined, 'The document path provided in the update expression is invalid for update'],
    ['REMOVE m[0]', undefined, 'The document path provided in the update expression is invalid for update'],
    ['SET n = nope + :v', { ':v': N('1') }, 'The provided expression refers to an attribute that does not exist in the item'],
    ['SET n = s + :v', { ':v': N('1') }, 'An operand in the update expression has an incorrect data type'],
    ['SET l = list_append(s, :v)', { ':v': { L: [] } }, 'An operand in the update expression has an incorrect data type'],
    ['ADD s :v', { ':v': N('1') }, 'An operand in the update expression has an incorrect data type'],
    ['ADD ss :v', { ':v': { NS: ['1'] } }, 'An operand in the update expression has an incorrect data type'],
    ['SET big = big + :v', { ':v': N('7') }, 'DynamoDB only supports precision up to 38 digits'], // 39 digits; dynalite stores them
  ])('refuses %s', (expression, values, message) => {
    expect(refusal(() => update(expression, values))).toBe(message);
  });
});

describe('fake expressions: numbers and comparisons', () => {
  it.each([
    ['1', '2', -1],
    ['-1', '1', -1],
    ['-2', '-1', -1],
    ['10', '9', 1],
    ['0.1', '0.09', 1],
    ['12345678901234567890123456789012345678', '12345678901234567890123456789012345679', -1],
    ['-0.00000000000000000000000000000000000001', '0', -1],
    ['5', '5', 0],
  ])('compareNumbers(%s, %s) is %i', (a, b, order) => {
    expect(compareNumbers(a, b)).toBe(order);
    expect(compareNumbers(b, a)).toBe(-order || 0);
  });

  it.each([
    ['7', '0.5', 1n, '7.5'],
    ['0.1', '0.2', 1n, '0.3'], // 0.30000000000000004 in doubles
    ['9007199254740993', '1', 1n, '9007199254740994'], // past 2^53
    ['1', '1', -1n, '0'],
    ['1', '3', -1n, '-2'],
    ['-0.5', '0.25', 1n, '-0.25'],
    ['99999999999999999999999999999999999999', '-1', 1n, '99999999999999999999999999999999999998'],
    ['1000000000000000000000000000000000000000', '0', 1n, '1000000000000000000000000000000000000000'], // 1 significant digit
  ])('addNumbers(%s, %s, %s) is %s', (a, b, sign, sum) => {
    expect(addNumbers(a, b, sign as 1n | -1n)).toBe(sum);
  });

  it('orders only strings, numbers and binary, and only against their own type', () => {
    expect(compareValues(S('a'), S('b'))).toBe(-1);
    expect(compareValues(N('1'), S('1'))).toBeUndefined();
    expect(compareValues({ BOOL: false }, { BOOL: true })).toBeUndefined();
    expect(equalValues({ NS: ['1', '2'] }, { NS: ['2', '1'] })).toBe(true);
    expect(equalValues({ M: { a: N('1') } }, { M: { b: N('1') } })).toBe(false);
    expect(equalValues({ L: [] }, { M: {} })).toBe(false);
  });
});
