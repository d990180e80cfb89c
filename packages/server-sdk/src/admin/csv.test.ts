import { describe, expect, it } from 'vitest';
import { BOM, csvCell, csvRow, csvStream } from './csv.ts';

describe('CSV for spreadsheets', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+cmd|calc', "'+1+cmd|calc"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a cell a spreadsheet would read as a formula: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('quotes what needs quoting, and leaves the rest as written', () => {
    expect(csvCell('Ada Lovelace')).toBe('Ada Lovelace');
    expect(csvCell('Lovelace, Ada')).toBe('"Lovelace, Ada"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('Zoë Ñúñez 李')).toBe('Zoë Ñúñez 李');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(-3)).toBe("'-3");
    expect(csvRow(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n');
  });

  it('streams UTF-8 with a byte-order mark, the header first', async () => {
    async function* rows() {
      for (let i = 0; i < 5000; i++) yield [`member ${i}`, i];
    }
    // (Response.text() drops a byte-order mark: decoded keeping it.)
    const bytes = await new Response(csvStream(['Name', 'N'], rows())).arrayBuffer();
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith(`${BOM}Name,N\r\nmember 0,0\r\n`)).toBe(true);
    expect(text.split('\r\n')).toHaveLength(5002);
    const header = new Uint8Array(await new Response(csvStream(['Ä'], rows())).arrayBuffer());
    expect([...header.slice(0, 5)]).toEqual([0xef, 0xbb, 0xbf, 0xc3, 0x84]);
  });
});
