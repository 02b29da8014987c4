import { useI18n } from '../i18n';

const KINDS: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.oasis.opendocument.text': 'ODT',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'text/csv': 'CSV',
};

/** A file's kind as people name it (PDF, DOCX, …), from its media type. */
export function fileKind(mediaType: string, other: string): string {
  return KINDS[mediaType] ?? other;
}

/** A size in bytes as people read it: bytes, KB or MB (powers of 1024), in the chosen language. */
export function FileSize({ bytes }: { bytes: number }) {
  const { locale } = useI18n();
  const number = new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 1 });
  if (bytes < 1024) return <>{`${number.format(bytes)} ${locale === 'de' ? 'Byte' : 'bytes'}`}</>;
  if (bytes < 1024 * 1024) return <>{`${number.format(bytes / 1024)} KB`}</>;
  return <>{`${number.format(bytes / (1024 * 1024))} MB`}</>;
}
