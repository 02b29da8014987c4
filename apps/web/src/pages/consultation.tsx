import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, ApiError, newIdempotencyKey } from '../api';
import { ErrorNotice, Loading, useLoad } from '../components/common';
import { PageTitle } from '../components/layout';
import { useI18n } from '../i18n';
import { FileSize, fileKind } from '../components/files';
import type { Consultation, CreateCommentRequest, CreatedComment, Page, PrivacyNotice, PublicComment, PublishedFile } from '../types';

const COMMENT_PAGE = 50;

/**
 * The public consultation of a round, for everybody, no account needed: the round, the
 * deadline, the comments so far, the privacy notice and the comment form — or the closed notice.
 */
export function ConsultationPage() {
  const { roundId = '' } = useParams();
  const { t, dateTime } = useI18n();
  const path = `/api/v1/rounds/${encodeURIComponent(roundId)}`;
  const consultation = useLoad((signal) => api<Consultation>(`${path}/consultation`, { signal }), [roundId]);
  const { locale } = useI18n();
  const notice = useLoad((signal) => api<PrivacyNotice>('/api/v1/privacy-notice', { signal }), [locale]);
  const [comments, setComments] = useState<PublicComment[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [commentsError, setCommentsError] = useState<unknown>(null);
  const [commentsVersion, setCommentsVersion] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api<Page<PublicComment>>(`${path}/comments?limit=${COMMENT_PAGE}`, { signal: controller.signal }).then(
      (page) => {
        setComments(page.data);
        setNext(page.next);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setCommentsError(error);
      },
    );
    return () => controller.abort();
  }, [path, commentsVersion]);

  const moreComments = async () => {
    if (!next) return;
    try {
      const page = await api<Page<PublicComment>>(`${path}/comments?limit=${COMMENT_PAGE}&cursor=${encodeURIComponent(next)}`);
      setComments((current) => [...current, ...page.data]);
      setNext(page.next);
    } catch (error) {
      setCommentsError(error);
    }
  };

  if (consultation.error) return <ErrorNotice error={consultation.error} onRetry={consultation.reload} />;
  if (!consultation.data) return <Loading />;
  const { stage, title, commentCount, visibleCommentCount, documents } = consultation.data;

  return (
    <>
      <p className="eyebrow">{stage ? `${t('consultation.label')}: ${stage.title}` : t('consultation.label')}</p>
      <PageTitle>{title}</PageTitle>
      {stage ? (
        <dl className="facts">
          {stage.openedAt ? (
            <div>
              <dt>{t('consultation.opened')}</dt>
              <dd>
                <time dateTime={stage.openedAt}>{dateTime(stage.openedAt)}</time>
              </dd>
            </div>
          ) : null}
          {stage.deadline ? (
            <div>
              <dt>{t('consultation.deadline')}</dt>
              <dd>
                <time dateTime={stage.deadline}>{dateTime(stage.deadline)}</time>
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}

      {documents.length > 0 ? <PublishedDocuments documents={documents} /> : null}

      {!stage ? <p className="notice">{t('consultation.none')}</p> : null}
      {stage?.state === 'upcoming' ? <p className="notice">{t('consultation.upcoming')}</p> : null}
      {stage?.state === 'closed' ? (
        <p className="notice notice--closed">{commentCount === 1 ? t('consultation.closedOne') : t('consultation.closed', { count: commentCount })}</p>
      ) : null}

      {stage?.state === 'open' ? (
        <CommentForm
          path={path}
          notice={notice.data}
          noticeError={notice.error}
          onCommented={() => {
            setCommentsVersion((value) => value + 1);
            consultation.reload();
          }}
        />
      ) : null}

      <section aria-labelledby="comments-heading">
        <h2 id="comments-heading">{t('consultation.comments', { count: Math.max(visibleCommentCount, comments.length) })}</h2>
        {commentsError ? <ErrorNotice error={commentsError} /> : null}
        {comments.length === 0 && !commentsError ? <p>{t('consultation.noComments')}</p> : null}
        <ol className="comments">
          {comments.map((comment) => (
            <li key={comment.id}>
              <article className="comment">
                <p className="comment__meta">
                  <span>{comment.name ?? t('consultation.anonymous')}</span> · <time dateTime={comment.createdAt}>{dateTime(comment.createdAt)}</time>
                </p>
                <p className="comment__text">{comment.text}</p>
              </article>
            </li>
          ))}
        </ol>
        {next ? (
          <button type="button" className="button" onClick={() => void moreComments()}>
            {t('consultation.moreComments')}
          </button>
        ) : null}
      </section>

      {stage?.state !== 'open' && notice.data ? <PrivacyNoticeSection notice={notice.data} headingLevel={2} /> : null}
    </>
  );
}

/** The draft (and whatever else staff published): title, kind and size, a public download. */
function PublishedDocuments({ documents }: { documents: PublishedFile[] }) {
  const { t, date } = useI18n();
  return (
    <section aria-labelledby="documents-heading" className="documents">
      <h2 id="documents-heading">{t('consultation.documents')}</h2>
      <p>{t('consultation.documentsIntro')}</p>
      <ul className="documents__list">
        {documents.map((document) => (
          <li key={document.id}>
            <a href={document.downloadUrl} download={document.name}>
              {document.name}
            </a>{' '}
            <span className="hint">
              ({fileKind(document.mediaType, t('files.kindOther'))}, <FileSize bytes={document.size} />) · {t('consultation.documentPublished', { date: date(document.publishedAt) })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PrivacyNoticeSection({ notice, headingLevel }: { notice: PrivacyNotice; headingLevel: 2 | 3 }) {
  const { t, date } = useI18n();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const Sub = headingLevel === 2 ? 'h3' : 'h4';
  return (
    <section className="privacy" aria-labelledby="privacy-heading" lang={notice.language}>
      <Heading id="privacy-heading">{notice.title}</Heading>
      <p className="hint">
        {t('privacy.version', { date: date(notice.version) })}
        {notice.controller ? ` · ${t('privacy.controller', { name: notice.controller.name })}` : null}
      </p>
      {notice.sections.map((section) => (
        <div key={section.heading}>
          <Sub>{section.heading}</Sub>
          <p>{section.text}</p>
        </div>
      ))}
    </section>
  );
}

/** The comment form: text, optional name and e-mail address, the privacy notice to accept; no account. */
function CommentForm({ path, notice, noticeError, onCommented }: { path: string; notice: PrivacyNotice | undefined; noticeError: unknown; onCommented: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [accepted, setAccepted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState<{ text?: string; privacy?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedComment | null>(null);
  const thanks = useRef<HTMLDivElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const privacyBox = useRef<HTMLInputElement>(null);
  /** Kept while the same comment is retried, renewed for the next comment. */
  const idempotencyKey = useRef(newIdempotencyKey());

  useEffect(() => {
    if (created) thanks.current?.focus();
  }, [created]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problems = {
      ...(text.trim() ? {} : { text: t('consultation.textRequired') }),
      ...(accepted ? {} : { privacy: t('consultation.privacyRequired') }),
    };
    setInvalid(problems);
    if (problems.text) {
      textArea.current?.focus();
      return;
    }
    if (problems.privacy) {
      privacyBox.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: CreateCommentRequest = {
        text: text.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(email.trim() ? { email: email.trim() } : {}),
        privacyAccepted: true,
      };
      const answer = await api<CreatedComment>(`${path}/comments`, { method: 'POST', body, idempotencyKey: idempotencyKey.current });
      setCreated(answer);
      setText('');
      setName('');
      setEmail('');
      setAccepted(false);
      idempotencyKey.current = newIdempotencyKey();
      onCommented();
    } catch (caught) {
      setError(caught);
      // A consultation closed meanwhile: the page shows the closed notice after reloading.
      if (caught instanceof ApiError && caught.code === 'consultation-not-open') onCommented();
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <div className="notice notice--success" role="status" tabIndex={-1} ref={thanks}>
        <p className="notice__title">{t('consultation.thanks')}</p>
        <p>{created.privacyNotice}</p>
        <button type="button" className="button" onClick={() => setCreated(null)}>
          {t('consultation.another')}
        </button>
      </div>
    );
  }

  return (
    <section aria-labelledby="form-heading" className="comment-form">
      <h2 id="form-heading">{t('consultation.formTitle')}</h2>
      <p>{t('consultation.formIntro')}</p>
      {error ? <ErrorNotice error={error} /> : null}
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor="comment-text">{t('consultation.text')}</label>
          <textarea
            id="comment-text"
            ref={textArea}
            rows={6}
            maxLength={5000}
            required
            aria-invalid={invalid.text ? true : undefined}
            aria-describedby={invalid.text ? 'comment-text-error comment-text-hint' : 'comment-text-hint'}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
          <p id="comment-text-hint" className="hint">
            {t('consultation.textHint')}
          </p>
          {invalid.text ? (
            <p id="comment-text-error" className="field-error">
              {invalid.text}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="comment-name">{t('consultation.name')}</label>
          <input id="comment-name" autoComplete="name" maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="comment-email">{t('consultation.email')}</label>
          <input id="comment-email" type="email" autoComplete="email" maxLength={254} value={email} onChange={(event) => setEmail(event.target.value)} />
        </div>
        {notice ? (
          <details className="privacy-details">
            <summary>{t('privacy.title')}</summary>
            <PrivacyNoticeSection notice={notice} headingLevel={3} />
          </details>
        ) : noticeError ? (
          <ErrorNotice error={noticeError} />
        ) : null}
        <div className="field field--check">
          <input
            id="comment-privacy"
            ref={privacyBox}
            type="checkbox"
            required
            checked={accepted}
            aria-invalid={invalid.privacy ? true : undefined}
            aria-describedby={invalid.privacy ? 'comment-privacy-error' : undefined}
            onChange={(event) => setAccepted(event.target.checked)}
          />
          <label htmlFor="comment-privacy">{t('consultation.privacy')}</label>
          {invalid.privacy ? (
            <p id="comment-privacy-error" className="field-error">
              {invalid.privacy}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button button--primary" disabled={busy} aria-busy={busy}>
          {busy ? t('consultation.submitting') : t('consultation.submit')}
        </button>
      </form>
    </section>
  );
}
