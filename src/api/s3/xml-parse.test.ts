import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3Error } from './errors.js';
import { childrenNamed, childText, parseXml } from './xml-parse.js';

function assertMalformed(src: string): void {
  assert.throws(
    () => parseXml(src),
    (err: unknown) => err instanceof S3Error && err.code === 'MalformedXML',
  );
}

describe('xml request parser', () => {
  it('reads a CompleteMultipartUpload body with namespace, declaration and whitespace', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n' +
        '  <Part><PartNumber>1</PartNumber><ETag>"abc"</ETag></Part>\n' +
        '  <Part><PartNumber>2</PartNumber><ETag>&quot;def&quot;</ETag></Part>\n</CompleteMultipartUpload>',
    );
    assert.equal(root.name, 'CompleteMultipartUpload');
    const parts = childrenNamed(root, 'Part');
    assert.deepEqual(
      parts.map((p) => [childText(p, 'PartNumber'), childText(p, 'ETag')]),
      [
        ['1', '"abc"'],
        ['2', '"def"'],
      ],
    );
  });

  it('keeps spaces inside key text and decodes entities, character references and CDATA', () => {
    const root = parseXml(
      '<Delete><Object><Key> a&amp;b &#x263A;&#65;<![CDATA[<x>]]> </Key></Object></Delete>',
    );
    const obj = childrenNamed(root, 'Object')[0]!;
    assert.equal(childText(obj, 'Key'), ' a&b ☺A<x> ');
  });

  it('drops namespace prefixes from element names', () => {
    const root = parseXml('<s3:Delete xmlns:s3="x"><s3:Quiet>true</s3:Quiet></s3:Delete>');
    assert.equal(root.name, 'Delete');
    assert.equal(childText(root, 'Quiet'), 'true');
  });

  it('refuses DOCTYPE declarations, so no entity can be defined or expanded', () => {
    assertMalformed('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Delete>&x;</Delete>');
  });

  it('refuses unknown entities, mismatched tags, trailing content and truncation', () => {
    assertMalformed('<Delete>&nbsp;</Delete>');
    assertMalformed('<Delete><Object></Delete></Object>');
    assertMalformed('<Delete></Delete><Delete></Delete>');
    assertMalformed('<Delete><Object>');
    assertMalformed('');
    assertMalformed('not xml');
    assertMalformed('<Delete>a & b</Delete>');
  });

  it('refuses nesting deeper than its bound', () => {
    assertMalformed(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`);
  });

  it('treats a repeated single-valued child as malformed', () => {
    const root = parseXml('<P><PartNumber>1</PartNumber><PartNumber>2</PartNumber></P>');
    assert.throws(() => childText(root, 'PartNumber'), S3Error);
  });
});
