import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuItem {
  id: string;
  label: string;
  shortcut: string;
}

const MARGIN = 4;

/**
 * An HTML menu at the pointer. Arrow keys, Home and End move between items, Enter runs one,
 * Escape or a click elsewhere closes it. Focus moves into the menu when it opens.
 */
export function ContextMenu(props: {
  clientX: number;
  clientY: number;
  items: readonly MenuItem[];
  onRun(id: string): void;
  onClose(): void;
  /** What the menu is, for assistive technology; "Node actions" by default. */
  label?: string;
  testId?: string;
  /** The button that opened the menu: pressing it toggles the menu, so it does not count as "elsewhere". */
  owner?: HTMLElement | null;
}) {
  const menuRef = useRef<HTMLDivElement>(null);
  const [at, setAt] = useState({ left: props.clientX, top: props.clientY });
  const { onClose, owner } = props;

  useLayoutEffect(() => {
    const menu = menuRef.current;
    if (!menu) return;
    const rect = menu.getBoundingClientRect();
    setAt({
      left: Math.max(MARGIN, Math.min(props.clientX, window.innerWidth - rect.width - MARGIN)),
      top: Math.max(MARGIN, Math.min(props.clientY, window.innerHeight - rect.height - MARGIN)),
    });
    menu.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
  }, [props.clientX, props.clientY]);

  useEffect(() => {
    const onPointerDown = (e: PointerEvent) => {
      if (!(e.target instanceof Node) || !menuRef.current || menuRef.current.contains(e.target) || owner?.contains(e.target)) return;
      onClose();
    };
    const onBlur = () => onClose();
    document.addEventListener('pointerdown', onPointerDown, true);
    window.addEventListener('blur', onBlur);
    window.addEventListener('resize', onBlur);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown, true);
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('resize', onBlur);
    };
  }, [onClose, owner]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const index = items.findIndex((i) => i === document.activeElement);
    const focusAt = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        focusAt(index + 1);
        break;
      case 'ArrowUp':
        focusAt(index - 1);
        break;
      case 'Home':
        focusAt(0);
        break;
      case 'End':
        focusAt(items.length - 1);
        break;
      case 'Escape':
      case 'Tab':
        onClose();
        break;
      default: {
        // A shortcut letter pressed in the open menu runs that item.
        const item = props.items.find((i) => i.shortcut.length === 1 && i.shortcut.toLowerCase() === e.key.toLowerCase());
        if (!item || e.ctrlKey || e.metaKey || e.altKey) return;
        props.onRun(item.id);
        break;
      }
    }
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div
      className="context-menu"
      role="menu"
      aria-label={props.label ?? 'Node actions'}
      data-testid={props.testId ?? 'context-menu'}
      ref={menuRef}
      style={{ left: at.left, top: at.top }}
      onKeyDown={onKeyDown}
    >
      {props.items.map((item) => (
        <button
          key={item.id}
          type="button"
          role="menuitem"
          tabIndex={-1}
          aria-label={item.label}
          aria-keyshortcuts={item.shortcut || undefined}
          onClick={() => props.onRun(item.id)}
        >
          <span>{item.label}</span>
          {item.shortcut && <kbd>{item.shortcut}</kbd>}
        </button>
      ))}
    </div>
  );
}
