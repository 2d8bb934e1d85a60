import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConditionContext } from '../authorizer.js';
import { evaluatePolicy, parsePolicy } from './policy.js';

/**
 * One row: a Condition block, the request's condition keys, and whether the statement applies.
 * Each row evaluates an Allow statement carrying the block, so "applies" is 'allow' and "does
 * not" is 'none'; the expectations follow AWS's IAM reference (Condition operators; single- vs
 * multivalued context keys; policy variables).
 */
interface Row {
  name: string;
  condition: object;
  keys: ConditionContext;
  applies: boolean;
  version?: string;
}

const rows: Row[] = [
  // String operators
  {
    name: 'StringEquals matches the exact value',
    condition: { StringEquals: { 's3:prefix': 'home/' } },
    keys: { 's3:prefix': ['home/'] },
    applies: true,
  },
  {
    name: 'StringEquals is case-sensitive',
    condition: { StringEquals: { 's3:prefix': 'home/' } },
    keys: { 's3:prefix': ['HOME/'] },
    applies: false,
  },
  {
    name: 'StringEquals fails when the key is absent',
    condition: { StringEquals: { 's3:prefix': 'home/' } },
    keys: {},
    applies: false,
  },
  {
    name: 'StringEquals ORs its values',
    condition: { StringEquals: { 's3:prefix': ['a/', 'b/'] } },
    keys: { 's3:prefix': ['b/'] },
    applies: true,
  },
  {
    name: 'StringEquals treats * as a literal',
    condition: { StringEquals: { 's3:prefix': 'a*' } },
    keys: { 's3:prefix': ['abc'] },
    applies: false,
  },
  {
    name: 'StringNotEquals holds for another value',
    condition: { StringNotEquals: { 's3:prefix': 'home/' } },
    keys: { 's3:prefix': ['tmp/'] },
    applies: true,
  },
  {
    name: 'StringNotEquals fails for the value',
    condition: { StringNotEquals: { 's3:prefix': 'home/' } },
    keys: { 's3:prefix': ['home/'] },
    applies: false,
  },
  {
    name: 'StringNotEquals holds when the key is absent',
    condition: { StringNotEquals: { 's3:prefix': 'home/' } },
    keys: {},
    applies: true,
  },
  {
    name: 'StringNotEquals NORs its values',
    condition: { StringNotEquals: { 's3:prefix': ['a/', 'b/'] } },
    keys: { 's3:prefix': ['b/'] },
    applies: false,
  },
  {
    name: 'StringEqualsIgnoreCase ignores case',
    condition: { StringEqualsIgnoreCase: { 'aws:username': 'Alice' } },
    keys: { 'aws:username': ['aLICE'] },
    applies: true,
  },
  {
    name: 'StringNotEqualsIgnoreCase fails for a case variant',
    condition: { StringNotEqualsIgnoreCase: { 'aws:username': 'Alice' } },
    keys: { 'aws:username': ['ALICE'] },
    applies: false,
  },
  {
    name: 'StringNotEqualsIgnoreCase holds for another value',
    condition: { StringNotEqualsIgnoreCase: { 'aws:username': 'Alice' } },
    keys: { 'aws:username': ['bob'] },
    applies: true,
  },
  {
    name: 'StringLike * spans any run',
    condition: { StringLike: { 'aws:UserAgent': '*aws-cli/*' } },
    keys: { 'aws:UserAgent': ['x aws-cli/2.15 y'] },
    applies: true,
  },
  {
    name: 'StringLike ? is exactly one character',
    condition: { StringLike: { 's3:prefix': 'log-?' } },
    keys: { 's3:prefix': ['log-12'] },
    applies: false,
  },
  {
    name: 'StringLike matches the whole value',
    condition: { StringLike: { 's3:prefix': 'home/*' } },
    keys: { 's3:prefix': ['x/home/a'] },
    applies: false,
  },
  {
    name: 'StringNotLike holds when no pattern matches',
    condition: { StringNotLike: { 's3:prefix': ['a*', 'b*'] } },
    keys: { 's3:prefix': ['cat'] },
    applies: true,
  },
  {
    name: 'StringNotLike fails when one pattern matches',
    condition: { StringNotLike: { 's3:prefix': ['a*', 'b*'] } },
    keys: { 's3:prefix': ['bat'] },
    applies: false,
  },
  // Numeric operators
  {
    name: 'NumericEquals compares numbers, not text',
    condition: { NumericEquals: { 's3:max-keys': '10' } },
    keys: { 's3:max-keys': ['10.0'] },
    applies: true,
  },
  {
    name: 'NumericEquals accepts a JSON number',
    condition: { NumericEquals: { 's3:max-keys': 10 } },
    keys: { 's3:max-keys': ['10'] },
    applies: true,
  },
  {
    name: 'NumericNotEquals holds for another number',
    condition: { NumericNotEquals: { 's3:max-keys': '10' } },
    keys: { 's3:max-keys': ['11'] },
    applies: true,
  },
  {
    name: 'NumericLessThan is strict',
    condition: { NumericLessThan: { 's3:max-keys': '10' } },
    keys: { 's3:max-keys': ['10'] },
    applies: false,
  },
  {
    name: 'NumericLessThanEquals includes the bound',
    condition: { NumericLessThanEquals: { 's3:max-keys': '10' } },
    keys: { 's3:max-keys': ['10'] },
    applies: true,
  },
  {
    name: 'NumericGreaterThan',
    condition: { NumericGreaterThan: { 's3:max-keys': '10' } },
    keys: { 's3:max-keys': ['100'] },
    applies: true,
  },
  {
    name: 'NumericGreaterThanEquals',
    condition: { NumericGreaterThanEquals: { 's3:max-keys': '10' } },
    keys: { 's3:max-keys': ['9'] },
    applies: false,
  },
  {
    name: 'a request value that is no number matches no numeric test',
    condition: { NumericLessThan: { 's3:max-keys': '10' } },
    keys: { 's3:max-keys': ['ten'] },
    applies: false,
  },
  // Date operators
  {
    name: 'DateGreaterThan with ISO 8601',
    condition: { DateGreaterThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' } },
    keys: { 'aws:CurrentTime': ['2024-06-01T12:00:00Z'] },
    applies: true,
  },
  {
    name: 'DateLessThan with ISO 8601',
    condition: { DateLessThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' } },
    keys: { 'aws:CurrentTime': ['2024-06-01T12:00:00Z'] },
    applies: false,
  },
  {
    name: 'DateEquals compares instants across notations',
    condition: { DateEquals: { 'aws:EpochTime': '2024-01-01T00:00:00Z' } },
    keys: { 'aws:EpochTime': ['1704067200'] },
    applies: true,
  },
  {
    name: 'DateNotEquals',
    condition: { DateNotEquals: { 'aws:EpochTime': '1704067200' } },
    keys: { 'aws:EpochTime': ['1704067201'] },
    applies: true,
  },
  {
    name: 'DateLessThanEquals with epoch seconds',
    condition: { DateLessThanEquals: { 'aws:EpochTime': 1704067200 } },
    keys: { 'aws:EpochTime': ['1704067200'] },
    applies: true,
  },
  {
    name: 'DateGreaterThanEquals with a time zone offset',
    condition: { DateGreaterThanEquals: { 'aws:CurrentTime': '2024-01-01T02:00:00+02:00' } },
    keys: { 'aws:CurrentTime': ['2024-01-01T00:00:00Z'] },
    applies: true,
  },
  // Bool, binary
  {
    name: 'Bool true',
    condition: { Bool: { 'aws:SecureTransport': 'true' } },
    keys: { 'aws:SecureTransport': ['true'] },
    applies: true,
  },
  {
    name: 'Bool false against true',
    condition: { Bool: { 'aws:SecureTransport': false } },
    keys: { 'aws:SecureTransport': ['true'] },
    applies: false,
  },
  {
    name: 'Bool fails when the key is absent',
    condition: { Bool: { 'aws:SecureTransport': 'false' } },
    keys: {},
    applies: false,
  },
  {
    name: 'BinaryEquals compares the decoded bytes',
    condition: { BinaryEquals: { 'x:blob': 'QmluYXJ5' } },
    keys: { 'x:blob': ['QmluYXJ5'] },
    applies: true,
  },
  {
    name: 'BinaryEquals other bytes',
    condition: { BinaryEquals: { 'x:blob': 'QmluYXJ5' } },
    keys: { 'x:blob': ['QmluYXJ6'] },
    applies: false,
  },
  // IP addresses
  {
    name: 'IpAddress inside an IPv4 CIDR',
    condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    keys: { 'aws:SourceIp': ['203.0.113.7'] },
    applies: true,
  },
  {
    name: 'IpAddress outside an IPv4 CIDR',
    condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    keys: { 'aws:SourceIp': ['203.0.114.7'] },
    applies: false,
  },
  {
    name: 'IpAddress with a bare address is a /32',
    condition: { IpAddress: { 'aws:SourceIp': '203.0.113.7' } },
    keys: { 'aws:SourceIp': ['203.0.113.7'] },
    applies: true,
  },
  {
    name: 'IpAddress inside an IPv6 CIDR',
    condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
    keys: { 'aws:SourceIp': ['2001:db8:1::5'] },
    applies: true,
  },
  {
    name: 'IpAddress: an IPv4-mapped IPv6 client matches the IPv4 block',
    condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } },
    keys: { 'aws:SourceIp': ['::ffff:127.0.0.1'] },
    applies: true,
  },
  {
    name: 'IpAddress: an IPv4 client never matches an IPv6 block',
    condition: { IpAddress: { 'aws:SourceIp': '::/0' } },
    keys: { 'aws:SourceIp': ['10.0.0.1'] },
    applies: false,
  },
  {
    name: 'NotIpAddress outside every block',
    condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } },
    keys: { 'aws:SourceIp': ['8.8.8.8'] },
    applies: true,
  },
  {
    name: 'NotIpAddress inside one block',
    condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } },
    keys: { 'aws:SourceIp': ['192.168.1.1'] },
    applies: false,
  },
  // ARNs
  {
    name: 'ArnLike with wildcards per segment',
    condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:iam::*:user/dev-*' } },
    keys: { 'aws:SourceArn': ['arn:aws:iam::123456789012:user/dev-alice'] },
    applies: true,
  },
  {
    name: 'ArnLike: a * does not span the colon between segments',
    condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:iam::*:user/x' } },
    keys: { 'aws:SourceArn': ['arn:aws:iam:us:1:user/x'] },
    applies: false,
  },
  {
    name: 'ArnEquals',
    condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::logs' } },
    keys: { 'aws:SourceArn': ['arn:aws:s3:::logs'] },
    applies: true,
  },
  {
    name: 'ArnNotEquals',
    condition: { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:s3:::logs' } },
    keys: { 'aws:SourceArn': ['arn:aws:s3:::logs'] },
    applies: false,
  },
  {
    name: 'ArnNotLike holds when the key is absent',
    condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } },
    keys: {},
    applies: true,
  },
];

describe('condition operators (AWS semantics)', () => {
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

  it('asks for the condition keys only when a statement needs them, and once', () => {
    const policy = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Action: 's3:*',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' },
        ],
      }),
      'identity',
    );
    let calls = 0;
    const conditions = () => {
      calls++;
      return { 'aws:SecureTransport': ['true'], 'aws:username': ['alice'] };
    };
    assert.equal(evaluatePolicy(policy, { action: 'admin:ServerInfo', resource: '*', conditions }), 'none');
    assert.equal(calls, 0);
    assert.equal(
      evaluatePolicy(policy, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/alice/x', conditions }),
      'allow',
    );
    assert.equal(calls, 1);
  });
});
