import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** A date as people read it, in their own time zone. */
export const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The page's main heading; focused when the page opens, so that a screen reader announces where it is. */
export function PageHeading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** An error (role=alert: read out at once) or a confirmation (role=status: read out politely). */
export function Notice({ error, ok }: { error?: string; ok?: string }) {
  if (error)
    return (
      <p role="alert" class="notice error">
        {error}
      </p>
    );
  if (ok)
    return (
      <p role="status" class="notice ok">
        {ok}
      </p>
    );
  return null;
}

/** A section of a page, a landmark named by its heading. */
export function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`${id}-heading`} class="card">
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

/** A wide table scrolls sideways on a phone; the scroller is focusable so that the keyboard can scroll it too. */
export function TableScroller({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroller" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function Pager({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span>
        Page {page} of {pages} ({total} in all)
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}

/** A secret shown once: readable, selectable, with a Copy button. */
export function SecretField({ id, label, value }: { id: string; label: string; value: string }) {
  const [copied, setCopied] = useState<string>();
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => setCopied('Copied.'),
      () => setCopied('Could not copy: select the key and copy it yourself.'),
    );
  return (
    <div class="secret">
      <label for={id}>{label}</label>
      <div class="secret-row">
        <input id={id} type="text" readOnly value={value} spellcheck={false} autocomplete="off" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" aria-label={`Copy ${label.toLowerCase().replace('api', 'API')}`} onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <span role="status" class="hint">
        {copied}
      </span>
    </div>
  );
}

interface Question {
  title: string;
  body: string;
  confirm: string;
  resolve: (yes: boolean) => void;
}

let ask: (question: Question) => void = () => undefined;

/** Asks in a modal dialog (focus trapped by the browser, Escape cancels); resolves true on the confirm button. */
export function confirmFirst(title: string, body: string, confirm: string): Promise<boolean> {
  return new Promise((resolve) => ask({ title, body, confirm, resolve }));
}

/** The one dialog confirmFirst uses; rendered once by the app. */
export function ConfirmDialog() {
  const [question, setQuestion] = useState<Question>();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  ask = (next) => {
    opener.current = document.activeElement;
    setQuestion(next);
  };
  useEffect(() => {
    if (question && !ref.current?.open) ref.current?.showModal();
  }, [question]);
  const answer = (yes: boolean) => {
    question?.resolve(yes);
    setQuestion(undefined);
    ref.current?.close();
    (opener.current as HTMLElement | null)?.focus?.();
  };
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" aria-describedby="confirm-body" onCancel={() => answer(false)}>
      <h2 id="confirm-title">{question?.title}</h2>
      <p id="confirm-body">{question?.body}</p>
      <div class="actions">
        <button type="button" onClick={() => answer(false)}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => answer(true)}>
          {question?.confirm}
        </button>
      </div>
    </dialog>
  );
}
