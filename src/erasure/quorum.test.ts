import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PerDrive } from './erasure-set.js';
import { agree } from './quorum.js';

const ok = <T>(value: T) => ({ ok: true as const, value });
const down = { ok: false as const, error: new Error('offline') };
const id = (v: string) => v;

test('a value held by quorum drives wins, and the drives that hold it are named', () => {
  const answers: PerDrive<string | undefined> = [ok('a'), ok('a'), ok(undefined), ok('b')];
  assert.deepEqual(agree(answers, 2, id), { kind: 'held', value: 'a', holders: [true, true, false, false] });
});

test('absence answered by quorum drives wins over a value on fewer (a dangling record)', () => {
  const answers: PerDrive<string | undefined> = [ok(undefined), ok(undefined), ok('a'), down];
  assert.deepEqual(agree(answers, 2, id), { kind: 'absent', holders: [false, false, true, false] });
});

test('too few answers, or a split, decides nothing', () => {
  assert.deepEqual(agree([ok('a'), down, down, down], 2, id), { kind: 'undecided', answered: 1, best: 1 });
  assert.deepEqual(agree([ok('a'), ok('b'), ok(undefined), down], 2, id), {
    kind: 'undecided',
    answered: 3,
    best: 1,
  });
});

test('values are compared by identity, not by reference', () => {
  const answers: PerDrive<{ id: string } | undefined> = [ok({ id: 'x' }), ok({ id: 'x' }), down];
  const result = agree(answers, 2, (v) => v.id);
  assert.equal(result.kind, 'held');
});
