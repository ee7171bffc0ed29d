import { useId, useState, type ReactNode, type Ref } from 'react';
import { formatCount } from '../format/text';

/**
 * A sidebar section that folds away and whose list scrolls inside it, so a long list (200
 * seeds, 188 hidden nodes) never pushes the sections below it off the screen.
 */
export function SideSection(props: {
  title: string;
  count: number | null;
  /** A list long enough to scroll: it shrinks to share the sidebar (a short one keeps its height). */
  long: boolean;
  testId: string;
  /** Buttons beside the title (e.g. "Show all"). */
  actions?: ReactNode;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(true);
  const id = useId();
  return (
    <section className={`side-section side-fold${open ? ' open' : ''}${props.long ? ' long' : ''}`} aria-labelledby={`${id}-title`} data-testid={props.testId}>
      <div className="side-fold-head">
        <h2 id={`${id}-title`}>
          <button type="button" className="side-fold-toggle" aria-expanded={open} aria-controls={`${id}-body`} onClick={() => setOpen((o) => !o)}>
            <span className="fold-mark" aria-hidden="true">
              {open ? '▾' : '▸'}
            </span>
            {props.title}
            {props.count !== null && <span className="side-count"> ({formatCount(props.count)})</span>}
          </button>
        </h2>
        {open && props.actions}
      </div>
      {open && (
        <div className="side-fold-body" id={`${id}-body`}>
          {props.children}
        </div>
      )}
    </section>
  );
}

/** A filter field for a sidebar list: Escape clears it. */
export function ListFilter(props: { label: string; placeholder: string; value: string; onChange(value: string): void; inputRef?: Ref<HTMLInputElement> }) {
  return (
    <input
      type="search"
      className="side-filter"
      aria-label={props.label}
      placeholder={props.placeholder}
      value={props.value}
      ref={props.inputRef}
      onChange={(e) => props.onChange(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && props.value) {
          e.stopPropagation();
          props.onChange('');
        }
      }}
    />
  );
}
