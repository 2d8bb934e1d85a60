import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PerDrive } from './erasure-set.js';
import { agree } from './quorum.js';

const ok = <T>(value: T) => ({ ok: true as const, value });
const down = { ok: false as const, error: new Error('offline') };
const id = (v: string) => v;

test('a value held by quorum drives wins, and the drives that hold it are named', () => {
  const answers: PerDrive<string | undefined> = [ok('a'), ok('a'), ok(undefined), ok('b')];
  assert.deepEqual(agree(answers, { quorum: 2, identity: id }), {
    kind: 'held',
    value: 'a',
    holders: [true, true, false, false],
  });
});

test('absence answered by quorum drives wins over a value on fewer (a dangling record)', () => {
  const answers: PerDrive<string | undefined> = [ok(undefined), ok(undefined), ok('a'), down];
  assert.deepEqual(agree(answers, { quorum: 2, identity: id }), {
    kind: 'absent',
    holders: [false, false, true, false],
  });
});

test('too few answers, or a split, decides nothing', () => {
  assert.deepEqual(agree([ok('a'), down, down, down], { quorum: 2, identity: id }), {
    kind: 'undecided',
    answered: 1,
    best: 1,
  });
  assert.deepEqual(agree([ok('a'), ok('b'), ok(undefined), down], { quorum: 2, identity: id }), {
    kind: 'undecided',
    answered: 3,
    best: 1,
  });
});

test('values are compared by identity, not by reference', () => {
  const answers: PerDrive<{ id: string } | undefined> = [ok({ id: 'x' }), ok({ id: 'x' }), down];
  const result = agree(answers, { quorum: 2, identity: (v) => v.id });
  assert.equal(result.kind, 'held');
});

interface Version {
  id: string;
  mtime: number;
  data: number;
}
const versionRule = {
  quorum: (v: Version) => v.data,
  identity: (v: Version) => v.id,
  prefer: (a: Version, b: Version) => a.mtime > b.mtime,
};
const v1: Version = { id: 'v1', mtime: 1, data: 2 };
const v2: Version = { id: 'v2', mtime: 2, data: 2 };

test('with a preference, the newest value on its quorum wins over an older one held more widely', () => {
  const answers: PerDrive<Version | undefined> = [ok(v1), ok(v1), ok(v2), ok(v2), ok(v1)];
  const result = agree(answers, versionRule);
  assert.equal(result.kind, 'held');
  assert.equal(result.kind === 'held' && result.value.id, 'v2');
});

test('per-value quorums: a newer value short of its data drives loses to the older one', () => {
  const answers: PerDrive<Version | undefined> = [ok(v1), ok(v1), ok(v2), down];
  const result = agree(answers, versionRule);
  assert.equal(result.kind === 'held' && result.value.id, 'v1');
});

test('per-value quorums: absence needs as many empty answers as the most demanding value present', () => {
  assert.equal(agree([ok(v1), ok(undefined), ok(undefined), down], versionRule).kind, 'absent');
  assert.equal(agree([ok(v1), ok(undefined), down, down], versionRule).kind, 'undecided');
  assert.equal(
    agree([ok(undefined), down, down, down], versionRule).kind,
    'absent',
    'no value anywhere is absence',
  );
});
