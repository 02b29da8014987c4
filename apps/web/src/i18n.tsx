import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setApiLocale } from './api';
import { de, en, type MessageKey, type Messages } from './messages';

export type Locale = 'de' | 'en';

const DICTIONARIES: Record<Locale, Messages> = { de, en };
const STORAGE_KEY = 'ratsweg.locale';

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  /** The text for `key` in the chosen language, `{name}` placeholders filled from `values`. */
  t(key: MessageKey, values?: Record<string, string | number>): string;
  /** An instant as date and time in the chosen language, in the municipality's time zone. */
  dateTime(iso: string): string;
  date(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

/** German unless the person chose English before (kept in the browser, not on the server). */
function initialLocale(): Locale {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'de';
  } catch {
    return 'de';
  }
}

const TIME_ZONE = 'Europe/Berlin';

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  setApiLocale(locale);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    setApiLocale(next);
    setLocaleState(next);
  }, []);

  const value = useMemo<I18n>(() => {
    const messages = DICTIONARIES[locale];
    const tag = locale === 'de' ? 'de-DE' : 'en-GB';
    const dateTimeFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE });
    const dateFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: TIME_ZONE });
    return {
      locale,
      setLocale,
      t: (key, values) => messages[key].replace(/\{(\w+)\}/g, (match, name: string) => (values && name in values ? String(values[name]) : match)),
      dateTime: (iso) => dateTimeFormat.format(new Date(iso)),
      date: (iso) => dateFormat.format(new Date(iso)),
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
