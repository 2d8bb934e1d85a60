import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAction, sessionDuration, sessionPolicyText } from './assume-role-form.js';
import { StsError } from './sts-errors.js';

function stsError(fn: () => unknown): StsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StsError, String(err));
    return err;
  }
  throw new Error('expected an StsError');
}

const form = (text: string) => new URLSearchParams(text);

test('AssumeRole of version 2011-06-15 is the action served', () => {
  assert.equal(checkAction(form('Action=AssumeRole&Version=2011-06-15')), 'AssumeRole');
});

test('a missing or other Version is MissingParameter; other STS actions NotImplemented; unknown ones InvalidAction', () => {
  for (const text of ['Action=AssumeRole', 'Action=AssumeRole&Version=2012-01-01']) {
    const err = stsError(() => checkAction(form(text)));
    assert.deepEqual([err.code, err.status, err.type], ['MissingParameter', 400, 'Sender']);
  }
  const web = stsError(() => checkAction(form('Action=AssumeRoleWithWebIdentity&Version=2011-06-15')));
  assert.deepEqual([web.code, web.status, web.type], ['NotImplemented', 501, 'Receiver']);
  for (const text of ['Version=2011-06-15', 'Action=assumerole&Version=2011-06-15']) {
    assert.equal(stsError(() => checkAction(form(text))).code, 'InvalidAction');
  }
});

test('DurationSeconds defaults to an hour and takes 900 to 43200 seconds', () => {
  assert.equal(sessionDuration(form('')), 3600);
  assert.equal(sessionDuration(form('DurationSeconds=')), 3600);
  assert.equal(sessionDuration(form('DurationSeconds=900')), 900);
  assert.equal(sessionDuration(form('DurationSeconds=43200')), 43200);
});

test('DurationSeconds out of range or not an integer is a ValidationError naming the constraint', () => {
  assert.match(
    stsError(() => sessionDuration(form('DurationSeconds=899'))).message,
    /Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/,
  );
  assert.match(
    stsError(() => sessionDuration(form('DurationSeconds=43201'))).message,
    /Member must have value less than or equal to 43200/,
  );
  for (const bad of ['-5', '1e4', '900.5', 'abc', '99999999999999999999']) {
    const err = stsError(() => sessionDuration(form(`DurationSeconds=${encodeURIComponent(bad)}`)));
    assert.deepEqual([err.code, err.status], ['ValidationError', 400], bad);
  }
});

test('an empty Policy is no session policy', () => {
  assert.equal(sessionPolicyText(form('Policy=')), undefined);
  assert.equal(sessionPolicyText(form('')), undefined);
  assert.equal(sessionPolicyText(form('Policy=%7B%7D')), '{}');
});
