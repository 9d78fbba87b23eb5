/**
 * A small validating scan of JSON text, for what JSON.parse does not say: where the text
 * first stops being valid (V8 names the position for some syntax errors and not for others,
 * such as `Unexpected end of JSON input`), and which object keys appear twice (JSON.parse
 * silently keeps the last one, so a variable declared twice would lose its first spec).
 */

/** What a scan of JSON text found. */
export interface JsonScan {
  /** Offset of the first character that makes the text invalid (its length at a premature end); undefined when valid. */
  invalidAt: number | undefined;
  /** Keys that repeat within one object, with the offset of each repetition, in text order. */
  duplicateKeys: { key: string; offset: number }[];
}

/** Scans `text` as JSON. */
export function scanJson(text: string): JsonScan {
  const duplicateKeys: JsonScan['duplicateKeys'] = [];
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
      const keys = new Set<string>();
      for (;;) {
        skipSpace();
        const start = index;
        string();
        const key = JSON.parse(text.slice(start, index)) as string;
        if (keys.has(key)) duplicateKeys.push({ key, offset: start });
        keys.add(key);
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
    return { invalidAt: undefined, duplicateKeys };
  } catch (offset) {
    return { invalidAt: offset as number, duplicateKeys };
  }
}
