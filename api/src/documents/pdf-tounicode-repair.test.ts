import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { repairCjkToUnicode, repairToUnicodeCMap } from './pdf-tounicode-repair';

const header = '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n';
const footer = 'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend';

function decodeEntries(cmap: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = cmap.slice(cmap.indexOf('endcodespacerange'));
  for (const m of body.matchAll(/<([0-9A-F]+)> <([0-9A-F]+)>/g)) {
    const hex = m[2] ?? '';
    let text = '';
    for (let i = 0; i < hex.length; i += 4) text += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
    out[m[1] ?? ''] = text;
  }
  return out;
}

describe('ToUnicode repair', () => {
  it('maps Kangxi and supplement radicals that share a glyph with an ideograph back to the ideograph', () => {
    // ⼯ U+2F2F (工), ⻓ U+2ED3 (长), a range 2F08..2F09 (人, 儿) and a plain ideograph 专.
    const cmap = `${header}3 beginbfchar\n<43> <2F2F>\n<44> <2ED3>\n<60> <4E13>\nendbfchar\n1 beginbfrange\n<4E> <4F> <2F08>\nendbfrange\n${footer}`;
    const repaired = repairToUnicodeCMap(cmap);
    expect(repaired).not.toBeNull();
    expect(decodeEntries(repaired ?? '')).toEqual({ '43': '工', '44': '长', '60': '专', '4E': '人', '4F': '儿' });
    expect(repaired).toContain('<4E> <4EBA>');
    expect(repaired).toMatch(/^\/CIDInit[\s\S]*endcodespacerange\n5 beginbfchar\n/);
    expect(repaired).toMatch(/endbfchar\nendcmap\n/);
  });

  it('leaves a CMap without radicals alone', () => {
    expect(repairToUnicodeCMap(`${header}1 beginbfchar\n<60> <4E13>\nendbfchar\n${footer}`)).toBeNull();
  });

  it('returns anything that is not a simple classic-xref PDF unchanged', () => {
    for (const input of [Buffer.from('not a pdf'), Buffer.from('%PDF-1.7\n1 0 obj <</Type /XRef>> stream\nxx\nendstream\nendobj\nstartxref\n9\n%%EOF\n')]) {
      expect(repairCjkToUnicode(input)).toBe(input);
    }
  });

  it('appends repaired maps as an incremental update that points back to the original xref', () => {
    const cmap = `${header}1 beginbfchar\n<43> <2F2F>\nendbfchar\n${footer}`;
    const data = deflateSync(Buffer.from(cmap, 'latin1'));
    const parts: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
    const offsets: number[] = [];
    const add = (chunk: Buffer | string): void => {
      parts.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    };
    const length = (): number => parts.reduce((n, p) => n + p.length, 0);
    offsets[1] = length();
    add('1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n');
    offsets[2] = length();
    add('2 0 obj\n<</Type /Pages /Kids [] /Count 0>>\nendobj\n');
    offsets[3] = length();
    add('3 0 obj\n<</Type /Font /Subtype /Type3 /ToUnicode 4 0 R>>\nendobj\n');
    offsets[4] = length();
    add(`4 0 obj\n<</Filter /FlateDecode\n/Length ${data.length}>> stream\n`);
    add(data);
    add('\nendstream\nendobj\n');
    const xrefAt = length();
    add(`xref\n0 5\n0000000000 65535 f \n${[1, 2, 3, 4].map((n) => `${String(offsets[n]).padStart(10, '0')} 00000 n \n`).join('')}`);
    add(`trailer\n<</Size 5\n/Root 1 0 R>>\nstartxref\n${xrefAt}\n%%EOF\n`);
    const original = Buffer.concat(parts);

    const repaired = repairCjkToUnicode(original);
    expect(repaired.subarray(0, original.length).equals(original)).toBe(true);
    const update = repaired.subarray(original.length).toString('latin1');
    expect(update).toMatch(new RegExp(`/Prev ${xrefAt}>>`));
    const newObjectAt = Number(/xref\n4 1\n(\d{10}) 00000 n/.exec(update)?.[1]);
    expect(repaired.subarray(newObjectAt, newObjectAt + 8).toString('latin1')).toBe('4 0 obj\n');
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(update)?.[1]);
    expect(repaired.subarray(startxref, startxref + 4).toString('latin1')).toBe('xref');
  });
});
