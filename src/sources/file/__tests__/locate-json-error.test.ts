// Line and column of a JSON syntax error, for error messages.
import { locateJsonError } from '../locate-json-error.js';

describe('locateJsonError', () => {
  it.each([
    ['{\n "a": 1\n "b": 2}', { line: 3, col: 2 }], // missing comma
    ['{\n  "a": }', { line: 2, col: 8 }], // missing value
    ['[1,]', { line: 1, col: 4 }], // trailing comma
    ['{"a": tru}', { line: 1, col: 7 }], // bad literal
    ['{"a": 1', { line: 1, col: 8 }], // truncated
    ['{"a": "x\\q"}', { line: 1, col: 10 }], // bad escape
    ['{"a": 1} x', { line: 1, col: 10 }], // trailing garbage
  ])('finds the error in %j', (text, pos) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonError(text)).toEqual(pos);
  });

  it('finds nothing in valid JSON', () => {
    expect(locateJsonError('{"a": [1, -2.5e3, true, null, "\\u00e9"], "b": {}}')).toBeUndefined();
  });
});
