import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePolicy, parsePolicy } from '../iam/policy/policy.js';
import { twentyStatementDocument } from './authz.js';

describe("the authorization step's user policy", () => {
  const doc = twentyStatementDocument('cairn-bench');
  const conditions = () => ({ 'aws:UserAgent': ['bench'], 'aws:username': ['bench-user'] });

  it('is a valid identity policy of 20 statements', () => {
    assert.equal((doc.Statement as unknown[]).length, 20);
    parsePolicy(JSON.stringify(doc), 'identity');
  });

  it("allows the bench's 4 KiB GET and PUT only through its last statement", () => {
    const full = parsePolicy(JSON.stringify(doc), 'identity');
    const withoutLast = parsePolicy(
      JSON.stringify({ ...doc, Statement: (doc.Statement as unknown[]).slice(0, -1) }),
      'identity',
    );
    for (const action of ['s3:GetObject', 's3:PutObject']) {
      const request = { action, resource: 'arn:aws:s3:::cairn-bench/4KiB/abc-1', conditions };
      assert.equal(evaluatePolicy(full, request), 'allow', action);
      assert.equal(evaluatePolicy(withoutLast, request), 'none', action);
    }
  });
});
