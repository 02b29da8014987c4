import type { Locale } from '../i18n/locale.util.js';

export interface PrivacyNoticeSection {
  heading: string;
  text: string;
}

export interface PrivacyNoticeResponse {
  language: Locale;
  title: string;
  /** The date of this version of the notice. */
  version: string;
  /** Who is responsible (the municipality running the rounds), when its directory entry exists. */
  controller: { name: string; website: string | null } | null;
  sections: PrivacyNoticeSection[];
}

/** When the notice was last changed; a commenter accepts the notice of this date. */
export const PRIVACY_NOTICE_VERSION = '2025-11-26';

const SECTIONS: Record<Locale, { title: string; sections: PrivacyNoticeSection[] }> = {
  de: {
    title: 'Datenschutzhinweise zu öffentlichen Stellungnahmen',
    sections: [
      {
        heading: 'Was gespeichert wird',
        text:
          'Der Text Ihrer Stellungnahme, die Beteiligungsrunde und Phase, zu der Sie ihn abgeben, der Zeitpunkt und die Sprache Ihres Browsers. ' +
          'Freiwillig: Ihr Name und Ihre E-Mail-Adresse. Ihre IP-Adresse wird nicht gespeichert; sie wird nur kurz im Arbeitsspeicher gehalten, ' +
          'um die Zahl der Stellungnahmen pro Minute zu begrenzen.',
      },
      {
        heading: 'Wozu',
        text:
          'Ihre Stellungnahme fließt in die Beratung des Verfahrens ein. Sie wird öffentlich angezeigt, mit Ihrem Namen, wenn Sie ihn angegeben haben. ' +
          'Ihre E-Mail-Adresse wird nie veröffentlicht; die Verwaltung nutzt sie nur für Rückfragen zu Ihrer Stellungnahme und um einen Löschwunsch zuzuordnen. ' +
          'Stellungnahmen, die gegen Regeln verstoßen (etwa Beleidigungen oder Daten Dritter), kann die Verwaltung ausblenden; sie bleiben dann nur intern sichtbar.',
      },
      {
        heading: 'Rechtsgrundlage',
        text:
          'Ihre Einwilligung (Art. 6 Abs. 1 lit. a DSGVO) für Name und E-Mail-Adresse; sie ist freiwillig und jederzeit widerrufbar. ' +
          'Die Stellungnahme selbst verarbeitet die Kommune zur Erfüllung ihrer Aufgabe der Bürgerbeteiligung (Art. 6 Abs. 1 lit. e DSGVO).',
      },
      {
        heading: 'Wie lange',
        text:
          'Name und E-Mail-Adresse bleiben gespeichert, bis Sie ihre Löschung verlangen, längstens so lange wie die Akte des Verfahrens. ' +
          'Der Text Ihrer Stellungnahme bleibt Teil der Verfahrensakte, solange die Kommune diese aufbewahren muss – nach einer Löschung ohne Bezug zu Ihrer Person.',
      },
      {
        heading: 'Löschung und Ihre weiteren Rechte',
        text:
          'Schreiben Sie an die Verwaltung der Kommune und nennen Sie die E-Mail-Adresse, die Sie angegeben haben. ' +
          'Eine Administratorin oder ein Administrator löscht dann Ihren Namen und Ihre E-Mail-Adresse aus allen Ihren Stellungnahmen; der Text bleibt ohne Namen erhalten. ' +
          'Sie haben außerdem das Recht auf Auskunft, Berichtigung und Einschränkung der Verarbeitung sowie auf Beschwerde bei einer Datenschutz-Aufsichtsbehörde.',
      },
    ],
  },
  en: {
    title: 'Privacy notice for public comments',
    sections: [
      {
        heading: 'What is stored',
        text:
          'The text of your comment, the participation round and stage it is about, the time and your browser’s language. ' +
          'If you choose to give them: your name and your e-mail address. Your IP address is not stored; it is only held in memory for a short time ' +
          'to limit the number of comments per minute.',
      },
      {
        heading: 'Why',
        text:
          'Your comment is taken into account in the deliberations of the procedure. It is shown publicly, with your name if you gave one. ' +
          'Your e-mail address is never published; the administration uses it only to ask you about your comment and to match a request for deletion. ' +
          'The administration may hide comments that break the rules (such as insults or other people’s personal data); they are then visible internally only.',
      },
      {
        heading: 'Legal basis',
        text:
          'Your consent (Art. 6(1)(a) GDPR) for your name and e-mail address; it is voluntary and you may withdraw it at any time. ' +
          'The municipality processes the comment itself to carry out its task of public participation (Art. 6(1)(e) GDPR).',
      },
      {
        heading: 'For how long',
        text:
          'Your name and e-mail address are kept until you ask for their deletion, at most as long as the records of the procedure. ' +
          'The text of your comment remains part of the records of the procedure for as long as the municipality must keep them — after a deletion without any link to you.',
      },
      {
        heading: 'Deletion and your other rights',
        text:
          'Write to the administration of the municipality and give the e-mail address you used. ' +
          'An administrator then deletes your name and e-mail address from all your comments; the text remains, without your name. ' +
          'You also have the right of access, rectification and restriction of processing, and to lodge a complaint with a data protection supervisory authority.',
      },
    ],
  },
};

/** The notice in the caller's language. */
export function privacyNotice(locale: Locale, controller: PrivacyNoticeResponse['controller']): PrivacyNoticeResponse {
  return { language: locale, title: SECTIONS[locale].title, version: PRIVACY_NOTICE_VERSION, controller, sections: SECTIONS[locale].sections };
}

/** The short notice that comes back with a stored comment. */
export function privacyNoticeSummary(locale: Locale): string {
  return locale === 'de'
    ? 'Ihre Stellungnahme ist gespeichert. Sie wird öffentlich angezeigt, mit Ihrem Namen, wenn Sie ihn angegeben haben; Ihre E-Mail-Adresse wird nie veröffentlicht. ' +
        'Ihre IP-Adresse wird nicht gespeichert. Die Löschung von Name und E-Mail-Adresse können Sie jederzeit verlangen: siehe GET /api/v1/privacy-notice.'
    : 'Your comment has been stored. It is shown publicly, with your name if you gave one; your e-mail address is never published. ' +
        'Your IP address is not stored. You may ask at any time for your name and e-mail address to be deleted: see GET /api/v1/privacy-notice.';
}
