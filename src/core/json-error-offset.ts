/**
 * Where JSON text first stops being valid. V8 names the position for some syntax errors
 * and not for others (`Unexpected token`, `Unexpected end of JSON input`), so the offset
 * is found by a small validating scan of our own, used only once JSON.parse has failed.
 */

/** Offset of the first character that makes `text` invalid JSON (text.length at a premature end). */
export function jsonErrorOffset(text: string): number {
  let index = 0;
  const fail = (): never => {
    throw index;
  };
  const skipSpace = (): void => {
    while (index < text.length && ' \t\n\r'.includes(text[index]!)) index += 1;
  };
  const expect = (literal: string): void => {
    for (const char of literal) {
      if (text[index] !== char) fail();
      index += 1;
    }
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      const char = text[index];
      if (char === undefined || char < ' ') fail();
      index += 1;
      if (char === '"') return;
      if (char === '\\') {
        const escape = text[index];
        if (escape === 'u') {
          index += 1;
          for (let digit = 0; digit < 4; digit += 1) {
            if (!/[0-9a-fA-F]/.test(text[index] ?? '')) fail();
            index += 1;
          }
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          index += 1;
        } else {
          fail();
        }
      }
    }
  };
  const number = (): void => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(index));
    if (!match) fail();
    index += match![0].length;
  };
  const value = (): void => {
    skipSpace();
    const char = text[index];
    if (char === '{') {
      index += 1;
      skipSpace();
      if (text[index] === '}') {
        index += 1;
        return;
      }
      for (;;) {
        skipSpace();
        string();
        skipSpace();
        expect(':');
        value();
        skipSpace();
        if (text[index] === ',') index += 1;
        else return expect('}');
      }
    }
    if (char === '[') {
      index += 1;
      skipSpace();
      if (text[index] === ']') {
        index += 1;
        return;
      }
      for (;;) {
        value();
        skipSpace();
        if (text[index] === ',') index += 1;
        else return expect(']');
      }
    }
    if (char === '"') return string();
    if (char === 't') return expect('true');
    if (char === 'f') return expect('false');
    if (char === 'n') return expect('null');
    return number();
  };
  try {
    value();
    skipSpace();
    if (index < text.length) fail();
    return text.length;
  } catch (offset) {
    return offset as number;
  }
}
