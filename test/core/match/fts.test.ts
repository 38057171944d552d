import { describe, expect, it } from 'vitest';
import { ftsQuote, trigramQuery } from '../../../src/core/match/candidates';
import { openDb } from '../../../src/core/store/db';

describe('FTS5 query building', () => {
  const db = openDb(':memory:');
  db.exec("INSERT INTO tokens (token, df) VALUES ('hikvision', 1), ('near', 1), ('or', 1)");
  db.exec('INSERT INTO token_grams (rowid, token) SELECT id, token FROM tokens');
  const match = db.prepare<[string], { token: string }>('SELECT t.token FROM token_grams g JOIN tokens t ON t.id = g.rowid WHERE token_grams MATCH ?');

  it('quotes every term so FTS5 operators and quotes are plain text', () => {
    expect(ftsQuote('a"b')).toBe('"a""b"');
    expect(trigramQuery('hik"v')).toBe('"hik" OR "ik""" OR "k""v"');
    expect(trigramQuery('ab')).toBeUndefined();
  });

  it.each(['"', 'NEAR(', 'a*b', '(x)', 'OR AND NOT', 'col:val', '^start', '"""', '-x', 'near/2'])('runs a MATCH built from %j without a syntax error', (hostile) => {
    const query = trigramQuery(`${hostile}${hostile}${hostile}`);
    expect(() => match.all(query!)).not.toThrow();
  });

  it('still finds what the quoted trigrams spell', () => {
    expect(match.all(trigramQuery('hikvison')!).map((r) => r.token)).toContain('hikvision');
    expect(match.all(trigramQuery('NEAR')!.toLowerCase()).map((r) => r.token)).toContain('near');
  });
});
