import { useId, useState, type FormEvent } from 'react';
import { api, ApiError, newIdempotencyKey } from '../api';
import { ErrorNotice, errorMessage, Loading, useLoad } from '../components/common';
import { FileSize, fileKind } from '../components/files';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { Me, Page, Round, Stage, StageFile } from '../types';

/** Who may attach and publish files of a stage: administrators, and the secretary of the stage's body (as the API checks). */
function mayActOn(me: Me | null | undefined, stage: Stage | undefined): boolean {
  if (!me || !stage) return false;
  if (me.roles.includes('admin')) return true;
  return stage.body !== undefined && me.secretaryOf.includes(stage.body);
}

/**
 * The round's documents for staff: each with its stage, kind and size, and whether the public
 * consultation page shows it; those who may act on the stage attach files and publish or
 * withdraw them.
 */
export function RoundFiles({ round }: { round: Round }) {
  const { t, dateTime } = useI18n();
  const { me } = useSession();
  const path = `/api/v1/rounds/${encodeURIComponent(round.id)}/files`;
  const files = useLoad((signal) => api<Page<StageFile>>(`${path}?limit=200`, { signal }), [path]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const actable = round.stages.filter((stage) => mayActOn(me, stage));
  const stageOf = (key: string) => round.stages.find((stage) => stage.key === key);

  const setPublished = async (file: StageFile, published: boolean) => {
    setBusy(file.id);
    setError(null);
    try {
      await api<StageFile>(`/api/v1/files/${encodeURIComponent(file.id)}/publication`, { method: 'PUT', body: { published } });
      setStatus(t(published ? 'files.publishedNotice' : 'files.withdrawnNotice', { name: file.name }));
      files.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="files-heading" className="round-files">
      <h2 id="files-heading">{t('files.title')}</h2>
      <p>{t('files.intro')}</p>
      {status ? (
        <p className="notice notice--success" role="status">
          {status}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {files.error ? <ErrorNotice error={files.error} onRetry={files.reload} /> : null}
      {!files.data && !files.error ? <Loading /> : null}
      {files.data && files.data.data.length === 0 ? <p>{t('files.none')}</p> : null}
      {files.data && files.data.data.length > 0 ? (
        <ul className="file-list">
          {files.data.data.map((file) => (
            <li key={file.id} className="file-list__item" data-file={file.name}>
              <p className="file-list__name">
                <a href={file.downloadUrl} download={file.name}>
                  {file.name}
                </a>{' '}
                <span className="hint">
                  ({fileKind(file.mediaType, t('files.kindOther'))}, <FileSize bytes={file.size} />) · {stageOf(file.stageKey)?.title ?? file.stageKey} ·{' '}
                  <time dateTime={file.createdAt}>{dateTime(file.createdAt)}</time>
                </span>
              </p>
              <p className="file-list__state">
                {file.published ? (
                  <span className="badge badge--published">{t('files.published', { date: dateTime(file.publishedAt ?? file.createdAt) })}</span>
                ) : (
                  <span className="badge">{t('files.internal')}</span>
                )}
                {mayActOn(me, stageOf(file.stageKey)) ? (
                  <button type="button" className="button" disabled={busy === file.id} aria-busy={busy === file.id} onClick={() => void setPublished(file, !file.published)}>
                    {file.published ? t('files.withdraw', { name: file.name }) : t('files.publish', { name: file.name })}
                  </button>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      {actable.length > 0 ? (
        <UploadForm
          round={round}
          stages={actable}
          onUploaded={(name) => {
            setStatus(t('files.uploadedNotice', { name }));
            files.reload();
          }}
        />
      ) : null}
    </section>
  );
}

function UploadForm({ round, stages, onUploaded }: { round: Round; stages: Stage[]; onUploaded: (name: string) => void }) {
  const { t } = useI18n();
  const ids = useId();
  const [stageKey, setStageKey] = useState(stages[0]?.key ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) {
      setError(t('files.chooseFile'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/rounds/${encodeURIComponent(round.id)}/stages/${encodeURIComponent(stageKey)}/files?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        file,
        idempotencyKey: newIdempotencyKey(),
      });
      setFile(null);
      setFormKey((value) => value + 1);
      onUploaded(file.name);
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 415 ? t('files.unsupported') : errorMessage(caught, t('error.network')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form key={formKey} className="form form--inline-upload" onSubmit={(event) => void submit(event)} aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>{t('files.uploadTitle')}</h3>
      {error ? (
        <div className="notice notice--error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${ids}-stage`}>{t('files.stage')}</label>
        <select id={`${ids}-stage`} value={stageKey} onChange={(event) => setStageKey(event.target.value)}>
          {stages.map((stage) => (
            <option key={stage.key} value={stage.key}>
              {stage.title}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-file`}>{t('files.file')}</label>
        <input
          id={`${ids}-file`}
          type="file"
          accept=".pdf,.odt,.docx,.png,.jpg,.jpeg,.csv"
          aria-describedby={`${ids}-hint`}
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
        <p id={`${ids}-hint`} className="hint">
          {t('files.fileHint')}
        </p>
      </div>
      <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
        {busy ? t('files.uploading') : t('files.upload')}
      </button>
    </form>
  );
}
