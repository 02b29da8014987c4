import type { AuditEntryEntity, AuditVerification } from '@ratsweg/persistence';
import type { Locale } from '../i18n/locale.util.js';

export interface AuditEntryResponse {
  position: number;
  action: string;
  actor: string;
  subjectType: string;
  subjectId: string;
  stageKey?: string;
  details?: Record<string, unknown>;
  before?: unknown;
  after?: unknown;
  occurredAt: string;
  recordedAt: string;
  prevHash: string | null;
  hash: string;
}

export function presentAuditEntry(entry: AuditEntryEntity): AuditEntryResponse {
  return {
    position: entry.chainPosition,
    action: entry.action,
    actor: entry.actor,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    ...(entry.stageKey ? { stageKey: entry.stageKey } : {}),
    ...(entry.details ? { details: entry.details } : {}),
    ...(entry.before !== null && entry.before !== undefined ? { before: entry.before } : {}),
    ...(entry.after !== null && entry.after !== undefined ? { after: entry.after } : {}),
    occurredAt: entry.occurredAt.toISOString(),
    recordedAt: entry.recordedAt.toISOString(),
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string): string => text.replace(/[&<>"']/g, (character) => ESCAPES[character] as string);

const WORDS = {
  de: {
    title: 'Protokoll der Beteiligungsrunde',
    round: 'Runde',
    template: 'Verfahrensvorlage',
    printed: 'Erstellt am',
    verification: 'Prüfung der Hash-Kette',
    valid: 'unverändert: alle Einträge passen zu ihrer Kette',
    broken: 'VERÄNDERT: erster fehlerhafter Eintrag',
    columns: ['Nr.', 'Zeitpunkt (Europe/Berlin)', 'Vorgang', 'Phase', 'Handelnde Stelle', 'Angaben', 'Hash'],
  },
  en: {
    title: 'Protocol of the participation round',
    round: 'Round',
    template: 'Process template',
    printed: 'Produced on',
    verification: 'Hash chain verification',
    valid: 'unchanged: every entry matches its chain',
    broken: 'CHANGED: first broken entry',
    columns: ['No.', 'Time (Europe/Berlin)', 'Action', 'Stage', 'Actor', 'Details', 'Hash'],
  },
} as const;

function localTime(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: 'Europe/Berlin',
    dateStyle: 'medium',
    timeStyle: 'medium',
  }).format(date);
}

/** A printable protocol a clerk could file: every entry, its hash, and the verification result. */
export function auditProtocolHtml(
  round: { id: string; title: string; templateKey: string; templateVersion: number },
  entries: AuditEntryEntity[],
  verification: AuditVerification,
  locale: Locale,
  now: Date,
): string {
  const words = WORDS[locale];
  const rows = entries
    .map(
      (entry) => `<tr><td>${entry.chainPosition}</td><td>${escape(localTime(entry.occurredAt, locale))}</td><td>${escape(entry.action)}</td>` +
        `<td>${escape(entry.stageKey ?? '')}</td><td>${escape(entry.actor)}</td><td><code>${escape(JSON.stringify(entry.details ?? {}))}</code></td>` +
        `<td><code>${escape(entry.hash.slice(0, 16))}…</code></td></tr>`,
    )
    .join('\n');
  const verdict = verification.valid
    ? words.valid
    : `${words.broken} ${verification.firstBroken?.position}: ${escape(verification.firstBroken?.reason ?? '')}`;
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<title>${escape(words.title)}: ${escape(round.title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
  table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
  th, td { border: 1px solid #888; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
  th { background: #eee; }
  code { font-size: 0.75rem; word-break: break-all; }
  .verdict { font-weight: bold; }
  @media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>${escape(words.title)}</h1>
<p>${escape(words.round)}: <strong>${escape(round.title)}</strong> (${escape(round.id)})<br>
${escape(words.template)}: ${escape(round.templateKey)} v${round.templateVersion}<br>
${escape(words.printed)}: ${escape(localTime(now, locale))}</p>
<p class="verdict">${escape(words.verification)}: ${verdict}</p>
<table>
<thead><tr>${words.columns.map((column) => `<th scope="col">${escape(column)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
