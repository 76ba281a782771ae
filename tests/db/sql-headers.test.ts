// Every statement file names its parameters in its header, one a line by position
// (`-- $1 store: the store key`), and says what it returns; namedSql() binds values by that header.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headerParams, highestParam, namedSql } from '../../src/db/sql.js';

const root = new URL('../../', import.meta.url).pathname;

function statementFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return statementFiles(full);
    return name.endsWith('.sql') && path.basename(dir) === 'sql' ? [full] : [];
  });
}

const files = [...statementFiles(path.join(root, 'src')), ...statementFiles(path.join(root, 'workers'))];

describe('statement headers', () => {
  it('finds the statement files', () => expect(files.length).toBeGreaterThan(40));

  it.each(files.map((f) => [path.relative(root, f)]))('%s names $1…$n and what it returns', (file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    const names = headerParams(text);
    expect(names.length, 'parameters named in the header').toBe(highestParam(text));
    names.forEach((name, i) => expect(name, `$${i + 1}`).toMatch(/^[a-z][A-Za-z]*$/));
    expect(new Set(names).size).toBe(names.length);
    expect(text).toMatch(/^-- (Returns|No parameters)/m);
  });
});

describe('namedSql', () => {
  const settle = namedSql<Record<string, unknown>>(new URL('../../workers/deliver.ts', import.meta.url).href, 'settle');
  const all = {
    id: '1',
    status: 'skipped',
    reason: 'no_consent',
    figures: null,
    items: null,
    dueAt: null,
    timing: null,
    reply: null,
  };

  it('orders named values by the header', () => {
    expect(settle.values({ ...all, reply: '550 no' })).toEqual([
      '1',
      'skipped',
      'no_consent',
      null,
      null,
      null,
      null,
      '550 no',
    ]);
  });

  it('refuses a missing name and a name the header does not list', () => {
    const { reply: _reply, ...missingReply } = all;
    expect(() => settle.values(missingReply)).toThrow('no value for $8 reply');
    expect(() => settle.values({ ...all, replies: null })).toThrow('has no parameter "replies"');
  });
});
