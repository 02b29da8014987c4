export type Locale = 'de' | 'en';

/** Picks German or English from an Accept-Language header; German when nothing fits. */
export function localeFrom(acceptLanguage: string | string[] | undefined): Locale {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
      return { language: tag.split('-')[0] ?? '', quality: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.language !== '' && Number.isFinite(entry.quality) && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality);
  for (const { language } of ranked) {
    if (language === 'de' || language === 'en') return language;
  }
  return 'de';
}
