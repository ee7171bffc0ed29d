import { useEffect, useLayoutEffect, useRef } from 'react';
import { COMMANDS, type Command, type CommandContext } from './commands';

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return target.matches('input, textarea, select');
}

/**
 * Keyboard shortcuts for the command table. They stay quiet while a dialog or menu is open
 * and while focus is in a field, where the keys belong to typing. `allow`, when given, keeps
 * only some commands' keys (a view over the canvas, where the canvas's own keys do not apply).
 */
export function useShortcuts(context: () => CommandContext, active: boolean, onMenuKey: () => void, allow?: (command: Command) => boolean): void {
  const latest = useRef({ context, active, onMenuKey, allow });
  useLayoutEffect(() => {
    latest.current = { context, active, onMenuKey, allow };
  });
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const { context, active, onMenuKey, allow } = latest.current;
      if (!active || e.defaultPrevented || e.isComposing || isTextEntry(e.target)) return;
      if (!allow && (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey))) {
        e.preventDefault();
        onMenuKey();
        return;
      }
      const command = COMMANDS.find((c) => c.matches(e));
      if (!command || (allow && !allow(command))) return;
      e.preventDefault();
      const ctx = context();
      if (command.enabled(ctx)) command.run(ctx);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
