import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isValidChecksumValue, isValidObjectChecksumValue } from './request-headers.js';

const sha256 = createHash('sha256').update('x').digest('base64');

describe('checksum header values', () => {
  it('a checksum value is base64 of exactly the digest length', () => {
    assert.equal(isValidChecksumValue('SHA256', sha256), true);
    assert.equal(isValidChecksumValue('CRC32', 'AAAAAA=='), true);
    for (const bad of ['', 'not base64!', 'abc12345', 'AAAAAA', sha256.slice(0, -1)])
      assert.equal(isValidChecksumValue('CRC32', bad), false, bad);
    assert.equal(isValidChecksumValue('CRC32', sha256), false);
    assert.equal(isValidChecksumValue('SHA256', `${sha256}-2`), false);
  });

  it('a whole-object value on Complete may carry a part count, except for CRC64NVME', () => {
    assert.equal(isValidObjectChecksumValue('SHA256', sha256), true);
    assert.equal(isValidObjectChecksumValue('SHA256', `${sha256}-2`), true);
    assert.equal(isValidObjectChecksumValue('CRC32', 'AAAAAA==-10000'), true);
    for (const bad of [`${sha256}-`, `${sha256}--2`, `${sha256}-2-3`, `${sha256}-x`, 'abc-2', '-2'])
      assert.equal(isValidObjectChecksumValue('SHA256', bad), false, bad);
    assert.equal(isValidObjectChecksumValue('CRC64NVME', 'AAAAAAAAAAA='), true);
    assert.equal(isValidObjectChecksumValue('CRC64NVME', 'AAAAAAAAAAA=-1'), false);
  });
});
