/**
 * CSV for spreadsheets (RFC 4180): a cell in double quotes when it holds a comma, a quote or a
 * line break, quotes doubled; a cell a spreadsheet would read as a formula (beginning with `=`,
 * `+`, `-`, `@`, a tab or a carriage return) neutralised with a leading `'` (OWASP's advice
 * on CSV injection); UTF-8 with a byte-order mark, so spreadsheets read names as written.
 */

/** The byte-order mark a file begins with. */
export const BOM = '\uFEFF';

const formula = /^[=+\-@\t\r]/;

/** One cell: `null` and `undefined` are empty. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (formula.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row, ended by CRLF. */
export const csvRow = (cells: readonly (string | number | boolean | null | undefined)[]): string =>
  `${cells.map(csvCell).join(',')}\r\n`;

/**
 * A CSV file as a stream of UTF-8: the byte-order mark and `header`, then the rows `rows` gives,
 * about 64 kB a chunk. `rows` may read more as it goes; a failure there ends the stream in error.
 */
export function csvStream(
  header: readonly string[],
  rows: AsyncIterable<readonly (string | number | boolean | null | undefined)[]>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = first ? BOM + csvRow(header) : '';
      first = false;
      while (chunk.length < 65_536) {
        const next = await iterator.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += csvRow(next.value);
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
