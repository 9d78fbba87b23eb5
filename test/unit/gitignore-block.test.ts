import { describe, expect, it } from 'vitest';
import { BLOCK_END, BLOCK_START, blockRules, withDevsecretsBlock } from '../../src/core/gitignore-block.js';

describe('withDevsecretsBlock', () => {
  it('appends a block to a file and to nothing', () => {
    expect(withDevsecretsBlock('', ['.env']).text).toBe(`${BLOCK_START}\n.env\n${BLOCK_END}\n`);
    expect(withDevsecretsBlock('node_modules/', ['.env']).text).toBe(`node_modules/\n\n${BLOCK_START}\n.env\n${BLOCK_END}\n`);
  });

  it('replaces only its own block and is idempotent', () => {
    const first = withDevsecretsBlock('a\n', ['.env']).text + 'b\n';
    const second = withDevsecretsBlock(first, ['.env', '.devsecrets/']);
    expect(second.text).toBe(`a\n\n${BLOCK_START}\n.env\n.devsecrets/\n${BLOCK_END}\nb\n`);
    expect(withDevsecretsBlock(second.text, ['.env', '.devsecrets/']).changed).toBe(false);
  });
});

describe('blockRules', () => {
  it('reads the rules of the block, and nothing without one', () => {
    const text = withDevsecretsBlock('a\n', ['.env', '/deploy/server.pem']).text;
    expect(blockRules(text)).toEqual(['.env', '/deploy/server.pem']);
    expect(blockRules('a\n')).toEqual([]);
  });
});
