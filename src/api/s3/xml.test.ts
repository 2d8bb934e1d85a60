import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el, escapeXml, xmlDocument, xmlTextDocument } from './xml.js';

describe('xml builder', () => {
  it('escapes markup characters and quotes in text', () => {
    assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
  });

  it('writes control characters as numeric references so keys holding them survive', () => {
    assert.equal(escapeXml('a\u0001b\rc\td\ne'), 'a&#1;b&#13;c\td\ne');
  });

  it('leaves out elements whose content is undefined and keeps empty ones', () => {
    const doc = xmlDocument('R', [el('A', undefined), el('B', ''), el('C', 0), el('D', false)]);
    assert.equal(
      doc,
      '<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><B></B><C>0</C><D>false</D></R>',
    );
  });

  it('nests children and renders attributes', () => {
    const doc = xmlDocument('R', [el('G', [el('ID', 'x')], { 'xsi:type': 'CanonicalUser' })], null);
    assert.match(doc, /<R><G xsi:type="CanonicalUser"><ID>x<\/ID><\/G><\/R>$/);
  });

  it('renders a text-only root such as LocationConstraint', () => {
    assert.match(
      xmlTextDocument('LocationConstraint', 'eu-west-1'),
      /<LocationConstraint xmlns="[^"]+">eu-west-1<\/LocationConstraint>$/,
    );
  });
});
