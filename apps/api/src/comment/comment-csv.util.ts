import type { PublicCommentRow } from '@ratsweg/persistence';
import { stringify } from 'csv-stringify/sync';
import type { Locale } from '../i18n/locale.util.js';

/**
 * The export is made for a double-click in German Excel: UTF-8 with a byte order mark (else
 * umlauts break), `;` between cells (Excel in German locales expects it; `,` is the decimal
 * separator) and CRLF line ends. Times are local (Europe/Berlin), as `YYYY-MM-DD HH:mm:ss`.
 */
export const COMMENTS_CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';

const HEADERS: Record<Locale, string[]> = {
  de: ['Id', 'Phase', 'Eingegangen (Ortszeit Berlin)', 'Name', 'E-Mail', 'Stellungnahme', 'Ausgeblendet am', 'Ausgeblendet von', 'Grund der Ausblendung', 'Personendaten gelöscht am'],
  en: ['Id', 'Stage', 'Received (Berlin time)', 'Name', 'E-mail', 'Comment', 'Hidden at', 'Hidden by', 'Reason for hiding', 'Personal data erased at'],
};

/** Characters that make a spreadsheet read a cell as a formula (CSV injection); such cells get a leading `'`. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

const BERLIN = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

function berlinTime(instant: Date | null): string {
  return instant ? BERLIN.format(new Date(instant)) : '';
}

/** All comments of a round, hidden ones and e-mail addresses included (staff only). */
export function commentsCsv(rows: readonly PublicCommentRow[], locale: Locale): string {
  const records = rows.map((row) => [
    row.id,
    row.stageKey,
    berlinTime(row.createdAt),
    row.authorName ?? '',
    row.authorEmail ?? '',
    row.body,
    berlinTime(row.hiddenAt),
    row.hiddenBy ?? '',
    row.hiddenReason ?? '',
    berlinTime(row.personalDataErasedAt),
  ]);
  return stringify([HEADERS[locale], ...records], {
    bom: true,
    delimiter: ';',
    record_delimiter: 'windows',
    cast: { string: (value) => neutraliseFormula(value) },
  });
}
