import { DateTime } from 'luxon';
import { memoized } from '../memo.util.js';
import type { LocalizedText, RoundAction, StageType } from '@ratsweg/domain';

export type NotificationLocale = 'de' | 'en';

export interface NotificationContext {
  kind: RoundAction;
  locale: NotificationLocale;
  round: { id: string; title: string };
  stage?: { key: string; type: StageType; title: LocalizedText };
  /** The deadline the notification is about (ISO instant), if any. */
  deadline?: string;
  meeting?: { start: string; invitationDeadline?: string };
  outcome?: string;
  /** When a public consultation closes: the comments it received, visible and hidden by moderation. */
  comments?: { visible: number; hidden: number };
  reason?: string;
  report?: number;
  /** Where the recipient acts (absolute URL). */
  link: string;
}

export interface NotificationContent {
  subject: string;
  text: string;
  html: string;
}

const OUTCOMES: Record<NotificationLocale, Record<string, string>> = {
  de: {
    approved: 'zugestimmt',
    rejected: 'abgelehnt',
    returned: 'zur Überarbeitung zurückverwiesen',
    postponed: 'vertagt',
    acknowledged: 'zur Kenntnis genommen',
    completed: 'abgeschlossen',
  },
  en: {
    approved: 'approved',
    rejected: 'rejected',
    returned: 'returned for revision',
    postponed: 'postponed',
    acknowledged: 'acknowledged',
    completed: 'completed',
  },
};

/** A date and time for people, in Europe/Berlin: "Dienstag, 24. März 2026, 17:00 Uhr". */
export function formatLocal(instant: string, locale: NotificationLocale): string {
  return formatLocalMemo(`${locale}|${instant}`);
}

const formatLocalMemo = memoized((key) => {
  const [locale, instant] = key.split('|', 2) as [NotificationLocale, string];
  const local = DateTime.fromISO(instant).setZone('Europe/Berlin').setLocale(locale === 'de' ? 'de-DE' : 'en-GB');
  return locale === 'de' ? `${local.toFormat('cccc, d. LLLL yyyy, HH:mm')} Uhr` : local.toFormat("cccc d LLLL yyyy, HH:mm '(Berlin time)'");
});

/** Subject and body of a notification, in the recipient's language, as plain text and HTML. */
export function renderNotification(context: NotificationContext): NotificationContent {
  const { locale } = context;
  const de = locale === 'de';
  const stage = context.stage ? context.stage.title[locale] : '';
  const when = (instant?: string) => (instant ? formatLocal(instant, locale) : '');
  const outcome = context.outcome ? (OUTCOMES[locale][context.outcome] ?? context.outcome) : '';
  const consultation = context.stage?.type === 'public_consultation';
  let subject: string;
  const lines: string[] = [];
  switch (context.kind) {
    case 'meeting.invitation':
      subject = de ? `Einladung: ${stage} am ${when(context.meeting?.start)}` : `Invitation: ${stage} on ${when(context.meeting?.start)}`;
      lines.push(de ? `Sie sind zur Sitzung am ${when(context.meeting?.start)} eingeladen.` : `You are invited to the meeting on ${when(context.meeting?.start)}.`);
      if (context.meeting?.invitationDeadline) {
        lines.push(
          de
            ? `Ladungsfrist: Die Einladung ist bis ${when(context.meeting.invitationDeadline)} zu versenden.`
            : `Notice period: the invitation is due by ${when(context.meeting.invitationDeadline)}.`,
        );
      }
      break;
    case 'stage.opened':
      subject = consultation
        ? de ? `Öffentliche Beteiligung eröffnet: ${context.round.title}` : `Public consultation open: ${context.round.title}`
        : de ? `Neue Phase: ${stage}` : `Stage opened: ${stage}`;
      lines.push(de ? `Die Phase „${stage}“ ist eröffnet.` : `The stage "${stage}" is open.`);
      if (context.deadline) lines.push(de ? `Frist: ${when(context.deadline)}.` : `Deadline: ${when(context.deadline)}.`);
      break;
    case 'reminder.due':
      subject = de ? `Erinnerung: Frist für ${stage} endet ${when(context.deadline)}` : `Reminder: deadline for ${stage} is ${when(context.deadline)}`;
      lines.push(de ? `Die Frist für „${stage}“ endet am ${when(context.deadline)}.` : `The deadline for "${stage}" is ${when(context.deadline)}.`);
      break;
    case 'stage.overdue':
      subject = de ? `Frist überschritten: ${stage}` : `Overdue: ${stage}`;
      lines.push(de ? `Die Frist für „${stage}“ ist am ${when(context.deadline)} abgelaufen.` : `The deadline for "${stage}" passed on ${when(context.deadline)}.`);
      break;
    case 'stage.escalated':
      subject = de ? `Eskalation: ${stage} ist überfällig` : `Escalation: ${stage} is overdue`;
      lines.push(
        de
          ? `„${stage}“ ist seit ${when(context.deadline)} überfällig. Bitte veranlassen Sie die Entscheidung.`
          : `"${stage}" has been overdue since ${when(context.deadline)}. Please see that it is decided.`,
      );
      break;
    case 'stage.closed':
    case 'stage.decided':
      subject = consultation
        ? de ? `Öffentliche Beteiligung beendet: ${context.round.title}` : `Public consultation closed: ${context.round.title}`
        : de ? `Entscheidung: ${stage} – ${outcome}` : `Decision: ${stage} – ${outcome}`;
      lines.push(consultation ? (de ? 'Die öffentliche Beteiligung ist beendet.' : 'The public consultation has closed.') : de ? `Ergebnis: ${outcome}.` : `Outcome: ${outcome}.`);
      if (consultation && context.comments) {
        const { visible, hidden } = context.comments;
        lines.push(
          de
            ? `Eingegangene Stellungnahmen: ${visible + hidden} (öffentlich sichtbar: ${visible}, ausgeblendet: ${hidden}).`
            : `Comments received: ${visible + hidden} (publicly visible: ${visible}, hidden: ${hidden}).`,
        );
      }
      break;
    case 'stage.deadline_extended':
      subject = de ? `Frist verlängert: ${stage}` : `Deadline extended: ${stage}`;
      lines.push(de ? `Neue Frist: ${when(context.deadline)}.` : `New deadline: ${when(context.deadline)}.`);
      break;
    case 'stage.meeting_moved':
      subject = de ? `Sitzung verlegt: ${stage}` : `Meeting moved: ${stage}`;
      lines.push(de ? `Neuer Termin: ${when(context.meeting?.start)}.` : `New date: ${when(context.meeting?.start)}.`);
      break;
    case 'implementation.status_due':
      subject = de ? `Sachstandsbericht fällig: ${context.round.title}` : `Status report due: ${context.round.title}`;
      lines.push(de ? `Bitte berichten Sie über den Stand der Umsetzung (Bericht ${context.report ?? ''}).` : `Please report on the implementation (report ${context.report ?? ''}).`);
      break;
    case 'round.completed':
      subject = de ? `Verfahren abgeschlossen: ${context.round.title}` : `Round completed: ${context.round.title}`;
      lines.push(de ? `Das Verfahren ist abgeschlossen (${outcome}).` : `The round is complete (${outcome}).`);
      break;
    case 'round.cancelled':
      subject = de ? `Verfahren abgebrochen: ${context.round.title}` : `Round cancelled: ${context.round.title}`;
      lines.push(de ? `Grund: ${context.reason ?? '—'}` : `Reason: ${context.reason ?? '—'}`);
      break;
    case 'round.started':
      subject = de ? `Verfahren gestartet: ${context.round.title}` : `Round started: ${context.round.title}`;
      break;
  }
  const heading = `${de ? 'Verfahren' : 'Round'}: ${context.round.title}${stage ? ` – ${stage}` : ''}`;
  const action = de ? 'Zum Vorgang' : 'Open in Ratsweg';
  const footer = de
    ? 'Sie erhalten diese Nachricht von Ratsweg. Benachrichtigungen können Sie in Ihren Einstellungen anpassen.'
    : 'You receive this message from Ratsweg. You can change your notifications in your settings.';
  const text = [heading, '', ...lines, '', `${action}: ${context.link}`, '', '-- ', footer].join('\n');
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif">
<p><strong>${escapeHtml(heading)}</strong></p>
${lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p><a href="${escapeHtml(context.link)}">${escapeHtml(action)}</a></p>
<hr><p style="color:#555;font-size:smaller">${escapeHtml(footer)}</p>
</body></html>`;
  return { subject, text, html };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string);
}
