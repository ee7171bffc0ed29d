import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';

export interface DialogProps {
  title: string;
  /** Resolves true when the dialog may close; on false it stays open (the banner has the error). */
  onSubmit(): Promise<boolean> | boolean;
  onCancel(): void;
  onDone(): void;
  submitLabel: string;
  submitDisabled?: boolean;
  cancelLabel?: string;
  /** Hide the submit button, e.g. while a job runs. */
  hideSubmit?: boolean;
  wide?: boolean;
  /** More classes for the panel, e.g. a table that needs more width than `wide`. */
  className?: string;
  testId?: string;
  children: ReactNode;
  footer?: ReactNode;
}

const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex="0"]';

/**
 * Modal shell: role="dialog" labelled by its title, the first field focused, Enter submits
 * (it is a form), Escape cancels, Tab stays inside, and focus returns where it was.
 */
export function Dialog(props: DialogProps) {
  const titleId = useId();
  const panelRef = useRef<HTMLDivElement>(null);
  const [submitting, setSubmitting] = useState(false);

  const focusFirstField = () => {
    const first = panelRef.current?.querySelector<HTMLElement>(`.dialog-body :is(${FOCUSABLE})`);
    (first ?? panelRef.current)?.focus();
  };

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    focusFirstField();
    return () => previous?.focus();
  }, []);

  // Escape must work even when focus fell out of the dialog (e.g. its button was disabled while submitting).
  const cancelRef = useRef(props.onCancel);
  cancelRef.current = props.onCancel;
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      cancelRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting || props.submitDisabled || props.hideSubmit) return;
    setSubmitting(true);
    let done = false;
    try {
      done = await props.onSubmit();
    } finally {
      setSubmitting(false);
    }
    if (done) props.onDone();
    else requestAnimationFrame(focusFirstField);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target instanceof HTMLTextAreaElement) {
      e.target.form?.requestSubmit();
      return;
    }
    if (e.key !== 'Tab' || !panelRef.current) return;
    const items = [...panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        className={['dialog', props.wide && 'dialog-wide', props.className].filter(Boolean).join(' ')}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        ref={panelRef}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={props.testId}
      >
        <form onSubmit={submit} noValidate>
          <h2 id={titleId} className="dialog-title">
            {props.title}
          </h2>
          <div className="dialog-body">{props.children}</div>
          <div className="dialog-actions">
            {props.footer}
            <span className="spacer" />
            <button type="button" onClick={props.onCancel}>
              {props.cancelLabel ?? 'Cancel'}
            </button>
            {!props.hideSubmit && (
              <button type="submit" className="primary" disabled={submitting || props.submitDisabled}>
                {props.submitLabel}
              </button>
            )}
          </div>
        </form>
      </div>
    </div>
  );
}
