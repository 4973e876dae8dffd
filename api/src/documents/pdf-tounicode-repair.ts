import { inflateSync, deflateSync } from 'node:zlib';

/**
 * Chromium (Skia) writes a font's ToUnicode map from glyph to the *lowest* code point the font maps
 * to that glyph. Noto CJK draws the Kangxi radicals (U+2F00–U+2FD5) and many CJK radicals
 * supplement characters (U+2E80–U+2EF3) with the same glyphs as everyday ideographs, so 工 is
 * written as ⼯ (U+2F2F), 长 as ⻓ (U+2ED3), 人 as ⼈: the page looks right but its text layer is
 * wrong, and searching, copying, screen readers and text extraction of a form fail on common words
 * (工作单位, 身份证件, 日期). This rewrites those entries to the unified ideographs.
 *
 * Pairs (radical, ideograph) sharing one glyph in Noto Serif/Sans CJK SC (Regular and Bold), read
 * from the fonts' cmaps with fontTools (fonts-noto-cjk 1:20220127+repack1). Kangxi radicals missing here
 * fall back to their NFKC form.
 */
const SHARED_GLYPHS =
  '⺂乛⺃乚⺅亻⺇𠘨⺉刂⺋㔾⺍𭕄⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺕彐⺖忄⺘扌⺙攵⺛旡⺞歺⺟母⺠民⺡氵⺣灬⺤爫⺦丬⺨犭⺩𤣩⺫罒⺭礻⺮𥫗⺯糹⺰纟' +
  '⺱罓⺳㓁⺹耂⺺肀⺽𦥑⺾艹⻁虎⻂衤⻃覀⻅见⻆角⻇𧢲⻈讠⻉贝⻊𧾷⻋车⻌辶⻐钅⻑長⻒镸⻓长⻔门⻕𨸏⻖阝⻘青⻙韦⻚页⻛风⻜飞⻝食⻞𩙿⻟飠' +
  '⻠饣⻡𩠐⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟⼀一⼁丨⼂丶⼃丿⼄乙⼅亅⼆二⼇亠⼈人⼉儿⼊入⼋八⼌冂' +
  '⼍冖⼎冫⼏几⼐凵⼑刀⼒力⼓勹⼔匕⼕匚⼖匸⼗十⼘卜⼙卩⼚厂⼛厶⼜又⼝口⼞囗⼟土⼠士⼡夂⼢夊⼣夕⼤大⼥女⼦子⼧宀⼨寸⼩小⼫尸⼬屮⼭山' +
  '⼮巛⼯工⼰己⼱巾⼲干⼴广⼵廴⼶廾⼷弋⼸弓⼺彡⼻彳⼼心⼽戈⼾户⼿手⽀支⽁攴⽂文⽃斗⽄斤⽅方⽆无⽇日⽈曰⽉月⽊木⽋欠⽌止⽍歹⽎殳⽏毋' +
  '⽐比⽑毛⽒氏⽓气⽔水⽕火⽖爪⽗父⽘爻⽙爿⽚片⽛牙⽜牛⽝犬⽞玄⽟玉⽠瓜⽡瓦⽢甘⽣生⽤用⽥田⽦疋⽧疒⽨癶⽩白⽪皮⽫皿⽬目⽭矛⽮矢⽯石' +
  '⽰示⽱禸⽲禾⽳穴⽴立⽵竹⽶米⽷糸⽸缶⽹网⽺羊⽻羽⽼老⽽而⽾耒⽿耳⾀聿⾁肉⾂臣⾃自⾄至⾅臼⾆舌⾇舛⾈舟⾉艮⾊色⾋艸⾌虍⾍虫⾎血⾏行' +
  '⾐衣⾑襾⾒見⾔言⾕谷⾖豆⾗豕⾘豸⾙貝⾚赤⾛走⾜足⾝身⾞車⾟辛⾠辰⾡辵⾢邑⾣酉⾤釆⾥里⾦金⾨門⾩阜⾪隶⾫隹⾬雨⾭靑⾮非⾯面⾰革⾱韋' +
  '⾲韭⾳音⾴頁⾵風⾶飛⾸首⾹香⾺馬⾼高⾽髟⾾鬥⾿鬯⿀鬲⿂魚⿃鳥⿄鹵⿅鹿⿆麥⿇麻⿈黃⿉黍⿊黑⿋黹⿌黽⿍鼎⿎鼓⿏鼠⿐鼻⿑齊⿒齒⿓龍⿕龠';

const RADICAL_TO_IDEOGRAPH: ReadonlyMap<number, string> = (() => {
  const chars = Array.from(SHARED_GLYPHS);
  const map = new Map<number, string>();
  for (let i = 0; i + 1 < chars.length; i += 2) {
    const radical = chars[i];
    const ideograph = chars[i + 1];
    if (radical !== undefined && ideograph !== undefined) map.set(radical.codePointAt(0) ?? 0, ideograph);
  }
  return map;
})();

function toIdeograph(char: string): string {
  const cp = char.codePointAt(0) ?? 0;
  const shared = RADICAL_TO_IDEOGRAPH.get(cp);
  if (shared) return shared;
  return cp >= 0x2f00 && cp <= 0x2fdf ? char.normalize('NFKC') : char;
}

function isRadical(cp: number): boolean {
  return cp >= 0x2e80 && cp <= 0x2fdf;
}

// ---- ToUnicode CMap ---------------------------------------------------------------------------

const HEX_TOKEN = /<([0-9A-Fa-f]*)>/g;

function utf16beToString(hex: string): string {
  let out = '';
  for (let i = 0; i + 4 <= hex.length; i += 4) out += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return out;
}

function stringToUtf16be(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) out += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return out;
}

function hasRadical(text: string): boolean {
  for (const char of text) if (isRadical(char.codePointAt(0) ?? 0)) return true;
  return false;
}

/**
 * Returns the CMap with radicals replaced, or null when it has none. All mappings are re-emitted as
 * bfchar entries (a range cannot hold a replaced member).
 */
export function repairToUnicodeCMap(cmap: string): string | null {
  const bodyStart = cmap.indexOf('endcodespacerange');
  const bodyEnd = cmap.lastIndexOf('endcmap');
  if (bodyStart < 0 || bodyEnd < bodyStart) return null;
  const body = cmap.slice(bodyStart + 'endcodespacerange'.length, bodyEnd);

  const mappings: [src: string, text: string][] = [];
  for (const block of body.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    const tokens = [...(block[1] ?? '').matchAll(HEX_TOKEN)].map((m) => m[1] ?? '');
    for (let i = 0; i + 1 < tokens.length; i += 2) mappings.push([tokens[i] ?? '', utf16beToString(tokens[i + 1] ?? '')]);
  }
  for (const block of body.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const line of (block[1] ?? '').matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])/g)) {
      const [, loHex = '', hiHex = '', dst = ''] = line;
      const lo = parseInt(loHex, 16);
      const hi = parseInt(hiHex, 16);
      if (hi < lo || hi - lo > 0xffff) return null;
      const width = loHex.length;
      const targets = dst.startsWith('[') ? [...dst.matchAll(HEX_TOKEN)].map((m) => utf16beToString(m[1] ?? '')) : null;
      const base = targets ? '' : utf16beToString(dst.slice(1, -1));
      for (let code = lo; code <= hi; code += 1) {
        const src = code.toString(16).toUpperCase().padStart(width, '0');
        // A range increments the last UTF-16 unit of its destination.
        const text = targets ? (targets[code - lo] ?? '') : base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + code - lo);
        mappings.push([src, text]);
      }
    }
  }
  if (!mappings.some(([, text]) => hasRadical(text))) return null;

  const entries = mappings.map(([src, text]) => `<${src}> <${stringToUtf16be(Array.from(text, toIdeograph).join(''))}>`);
  let rebuilt = '\n';
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100); // at most 100 entries per block (PDF spec)
    rebuilt += `${chunk.length} beginbfchar\n${chunk.join('\n')}\nendbfchar\n`;
  }
  return cmap.slice(0, bodyStart + 'endcodespacerange'.length) + rebuilt + cmap.slice(bodyEnd);
}

// ---- PDF incremental update ----------------------------------------------------------------------

interface Trailer {
  xrefOffset: number;
  size: number;
  root: string;
  info: string | null;
}

function readTrailer(pdf: Buffer): { trailer: Trailer; offsets: Map<number, number> } | null {
  const tail = pdf.subarray(Math.max(0, pdf.length - 1024)).toString('latin1');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!startxref) return null;
  const xrefOffset = Number(startxref[1]);
  const section = pdf.subarray(xrefOffset, pdf.length).toString('latin1');
  // A classic xref table (what Chromium writes); xref streams and earlier updates are left alone.
  if (!section.startsWith('xref')) return null;
  const trailerAt = section.indexOf('trailer');
  if (trailerAt < 0) return null;
  const trailerDict = section.slice(trailerAt, section.indexOf('startxref', trailerAt));
  if (/\/(Prev|Encrypt|XRefStm)\b/.test(trailerDict)) return null;
  const size = /\/Size\s+(\d+)/.exec(trailerDict);
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(trailerDict);
  const info = /\/Info\s+(\d+\s+\d+\s+R)/.exec(trailerDict);
  if (!size || !root) return null;

  const offsets = new Map<number, number>();
  const lines = section.slice(4, trailerAt).trim().split(/\r?\n|\r/);
  let next = 0;
  for (const line of lines) {
    const header = /^(\d+)\s+(\d+)$/.exec(line.trim());
    if (header) {
      next = Number(header[1]);
      continue;
    }
    const entry = /^(\d{10})\s+(\d{5})\s+([nf])/.exec(line.trim());
    if (!entry) return null;
    if (entry[3] === 'n') offsets.set(next, Number(entry[1]));
    next += 1;
  }
  return { trailer: { xrefOffset, size: Number(size[1]), root: root[1] ?? '', info: info?.[1] ?? null }, offsets };
}

/** Reads the stream of object `num` when it is a plain or Flate stream with a direct length. */
function readStream(pdf: Buffer, num: number, offset: number): string | null {
  const head = pdf.subarray(offset, Math.min(pdf.length, offset + 512)).toString('latin1');
  const match = new RegExp(`^${num}\\s+0\\s+obj\\s*<<([\\s\\S]*?)>>\\s*stream(\\r\\n|\\n)`).exec(head);
  if (!match) return null;
  const dict = match[1] ?? '';
  const length = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
  if (!length) return null;
  const filter = /\/Filter\s*\/(\w+)/.exec(dict)?.[1];
  if (filter !== undefined && filter !== 'FlateDecode') return null;
  if (/\/DecodeParms/.test(dict)) return null;
  const start = offset + match[0].length;
  const data = pdf.subarray(start, start + Number(length[1]));
  return (filter ? inflateSync(data) : data).toString('latin1');
}

/**
 * Returns the PDF with its ToUnicode maps repaired, appended as an incremental update so the bytes
 * Chromium wrote stay as they are. A PDF whose structure is not the simple one Chromium writes is
 * returned unchanged: a wrong text layer is better than a broken document.
 */
export function repairCjkToUnicode(pdf: Buffer): Buffer {
  try {
    const parsed = readTrailer(pdf);
    if (!parsed) return pdf;
    const { trailer, offsets } = parsed;

    const refs = new Set<number>();
    for (const m of pdf.toString('latin1').matchAll(/\/ToUnicode\s+(\d+)\s+0\s+R/g)) refs.add(Number(m[1]));

    const chunks: Buffer[] = [];
    const updated: [num: number, offset: number][] = [];
    let position = pdf.length + 1; // after the newline appended below
    for (const num of [...refs].sort((a, b) => a - b)) {
      const offset = offsets.get(num);
      if (offset === undefined) continue;
      const cmap = readStream(pdf, num, offset);
      if (cmap === null) continue;
      const repaired = repairToUnicodeCMap(cmap);
      if (repaired === null) continue;
      const data = deflateSync(Buffer.from(repaired, 'latin1'));
      const object = Buffer.concat([
        Buffer.from(`${num} 0 obj\n<</Filter /FlateDecode\n/Length ${data.length}>> stream\n`, 'latin1'),
        data,
        Buffer.from('\nendstream\nendobj\n', 'latin1'),
      ]);
      updated.push([num, position]);
      chunks.push(object);
      position += object.length;
    }
    if (updated.length === 0) return pdf;

    let xref = 'xref\n';
    for (const [num, offset] of updated) xref += `${num} 1\n${String(offset).padStart(10, '0')} 00000 n \n`;
    const info = trailer.info ? `\n/Info ${trailer.info}` : '';
    xref += `trailer\n<</Size ${trailer.size}\n/Root ${trailer.root}${info}\n/Prev ${trailer.xrefOffset}>>\nstartxref\n${position}\n%%EOF\n`;
    return Buffer.concat([pdf, Buffer.from('\n', 'latin1'), ...chunks, Buffer.from(xref, 'latin1')]);
  } catch {
    return pdf;
  }
}
