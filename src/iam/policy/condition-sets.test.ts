import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConditionContext } from '../authorizer.js';
import { evaluatePolicy, parsePolicy } from './policy.js';

/**
 * Null, …IfExists, ForAnyValue/ForAllValues, blocks of several clauses and policy variables in
 * condition values. A row evaluates an Allow statement carrying the block ('allow' when it
 * applies, 'none' when not); expectations follow AWS's IAM reference (Condition operators;
 * single- vs multivalued context keys; policy variables). The operator families are in
 * conditions.test.ts.
 */
interface Row {
  name: string;
  condition: object;
  keys: ConditionContext;
  applies: boolean;
  version?: string;
}

const rows: Row[] = [
  // Null
  {
    name: 'Null true holds when the key is absent',
    condition: { Null: { 's3:x-amz-acl': 'true' } },
    keys: {},
    applies: true,
  },
  {
    name: 'Null true fails when the key is present',
    condition: { Null: { 's3:x-amz-acl': 'true' } },
    keys: { 's3:x-amz-acl': ['private'] },
    applies: false,
  },
  {
    name: 'Null false holds when the key is present',
    condition: { Null: { 's3:x-amz-acl': false } },
    keys: { 's3:x-amz-acl': ['private'] },
    applies: true,
  },
  {
    name: 'Null treats an empty value set as absent',
    condition: { Null: { 's3:x-amz-acl': 'true' } },
    keys: { 's3:x-amz-acl': [] },
    applies: true,
  },
  // …IfExists
  {
    name: 'StringEqualsIfExists holds when the key is absent',
    condition: { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } },
    keys: {},
    applies: true,
  },
  {
    name: 'StringEqualsIfExists tests a present key',
    condition: { StringEqualsIfExists: { 's3:x-amz-acl': 'private' } },
    keys: { 's3:x-amz-acl': ['public-read'] },
    applies: false,
  },
  {
    name: 'NumericLessThanIfExists tests a present key',
    condition: { NumericLessThanIfExists: { 's3:max-keys': '10' } },
    keys: { 's3:max-keys': ['5'] },
    applies: true,
  },
  {
    name: 'IpAddressIfExists holds when the key is absent',
    condition: { IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } },
    keys: {},
    applies: true,
  },
  // Set qualifiers
  {
    name: 'ForAnyValue: one request value in the set',
    condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
    keys: { 'aws:TagKeys': ['z', 'b'] },
    applies: true,
  },
  {
    name: 'ForAnyValue: no request value in the set',
    condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
    keys: { 'aws:TagKeys': ['y', 'z'] },
    applies: false,
  },
  {
    name: 'ForAnyValue fails when the key is absent',
    condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } },
    keys: {},
    applies: false,
  },
  {
    name: 'ForAnyValue fails for an empty value set',
    condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } },
    keys: { 'aws:TagKeys': [] },
    applies: false,
  },
  {
    name: 'ForAllValues: every request value in the set',
    condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
    keys: { 'aws:TagKeys': ['a', 'b', 'a'] },
    applies: true,
  },
  {
    name: 'ForAllValues: one request value outside the set',
    condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } },
    keys: { 'aws:TagKeys': ['a', 'c'] },
    applies: false,
  },
  {
    name: 'ForAllValues holds when the key is absent',
    condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } },
    keys: {},
    applies: true,
  },
  {
    name: 'ForAllValues holds for an empty value set',
    condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } },
    keys: { 'aws:TagKeys': [] },
    applies: true,
  },
  {
    name: 'ForAllValues:StringNotLike: every value avoids the patterns',
    condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } },
    keys: { 'aws:TagKeys': ['key2:audit'] },
    applies: true,
  },
  {
    name: 'ForAllValues:StringNotLike: one value matches',
    condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } },
    keys: { 'aws:TagKeys': ['key2:a', 'key1:b'] },
    applies: false,
  },
  {
    name: 'ForAnyValue:StringNotEquals: one value outside the set',
    condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['a'] } },
    keys: { 'aws:TagKeys': ['a', 'b'] },
    applies: true,
  },
  {
    name: 'ForAllValues:StringLikeIfExists holds when absent',
    condition: { 'ForAllValues:StringLikeIfExists': { 'aws:TagKeys': 'a*' } },
    keys: {},
    applies: true,
  },
  {
    name: 'without a qualifier, any of several request values may match',
    condition: { StringEquals: { 'aws:TagKeys': 'b' } },
    keys: { 'aws:TagKeys': ['a', 'b'] },
    applies: true,
  },
  {
    name: 'without a qualifier, a negated operator needs no request value to match',
    condition: { StringNotEquals: { 'aws:TagKeys': 'b' } },
    keys: { 'aws:TagKeys': ['a', 'b'] },
    applies: false,
  },
  // Blocks
  {
    name: 'several keys under one operator are ANDed',
    condition: { StringEquals: { 's3:prefix': 'a/', 's3:delimiter': '/' } },
    keys: { 's3:prefix': ['a/'] },
    applies: false,
  },
  {
    name: 'several operators are ANDed',
    condition: { StringEquals: { 's3:prefix': 'a/' }, Bool: { 'aws:SecureTransport': 'true' } },
    keys: { 's3:prefix': ['a/'], 'aws:SecureTransport': ['true'] },
    applies: true,
  },
  {
    name: 'condition key names ignore case',
    condition: { IpAddress: { 'AWS:SOURCEIP': '10.0.0.0/8' } },
    keys: { 'aws:SourceIp': ['10.1.1.1'] },
    applies: true,
  },
  {
    name: 'the tag key after the slash keeps its case',
    condition: { StringEquals: { 's3:ExistingObjectTag/Project': 'x' } },
    keys: { 's3:existingobjecttag/project': ['x'] },
    applies: false,
  },
  // Variables in condition values
  {
    name: 'a variable in StringLike',
    condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
    keys: { 's3:prefix': ['home/alice/docs'], 'aws:username': ['alice'] },
    applies: true,
  },
  {
    name: 'a variable for another user',
    condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
    keys: { 's3:prefix': ['home/bob/docs'], 'aws:username': ['alice'] },
    applies: false,
  },
  {
    name: 'a variable without a value makes the condition fail',
    condition: { StringLike: { 's3:prefix': '${aws:username}/*' } },
    keys: { 's3:prefix': ['x/y'] },
    applies: false,
  },
  {
    name: 'a variable with a default value',
    condition: { StringEquals: { 's3:prefix': "${aws:username, 'anon'}" } },
    keys: { 's3:prefix': ['anon'] },
    applies: true,
  },
  {
    name: 'a substituted value is literal text, not a wildcard',
    condition: { StringLike: { 's3:prefix': '${aws:username}' } },
    keys: { 's3:prefix': ['anything'], 'aws:username': ['*'] },
    applies: false,
  },
  {
    name: '${*} is a literal asterisk in StringLike',
    condition: { StringLike: { 's3:prefix': 'a${*}' } },
    keys: { 's3:prefix': ['a*'] },
    applies: true,
  },
  {
    name: '${*} matches only the asterisk',
    condition: { StringLike: { 's3:prefix': 'a${*}' } },
    keys: { 's3:prefix': ['abc'] },
    applies: false,
  },
  {
    name: '${?} and ${$} are literal',
    condition: { StringEquals: { 's3:prefix': '${?}${$}' } },
    keys: { 's3:prefix': ['?$'] },
    applies: true,
  },
  {
    name: 'version 2008-10-17 does not substitute variables',
    condition: { StringEquals: { 's3:prefix': '${aws:username}' } },
    keys: { 's3:prefix': ['${aws:username}'], 'aws:username': ['alice'] },
    applies: true,
    version: '2008-10-17',
  },
  {
    name: 'an unversioned policy does not substitute variables',
    condition: { StringEquals: { 's3:prefix': '${aws:username}' } },
    keys: { 's3:prefix': ['alice'], 'aws:username': ['alice'] },
    applies: false,
    version: '',
  },
];

describe('condition sets, existence tests and variables (AWS semantics)', () => {
  for (const row of rows) {
    it(row.name, () => {
      const doc: Record<string, unknown> = {
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: row.condition }],
      };
      if (row.version !== '') doc.Version = row.version ?? '2012-10-17';
      const policy = parsePolicy(JSON.stringify(doc), 'identity');
      const decision = evaluatePolicy(policy, {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::b/k',
        conditions: () => row.keys,
      });
      assert.equal(decision, row.applies ? 'allow' : 'none');
    });
  }
});
