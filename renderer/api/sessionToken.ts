import { TOKEN_FRAGMENT } from '../../shared/api/transport';

const STORAGE_KEY = 'cairn.token';

/**
 * The browser shell hands the page its token in the URL fragment (never sent to the server).
 * Keep it in sessionStorage so a reload still works, and take it out of the visible URL so it
 * does not end up in screenshots or copied links.
 */
export function takeSessionToken(): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get(TOKEN_FRAGMENT);
  if (fromUrl) {
    sessionStorage.setItem(STORAGE_KEY, fromUrl);
    fragment.delete(TOKEN_FRAGMENT);
    const rest = fragment.toString();
    history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
    return fromUrl;
  }
  return sessionStorage.getItem(STORAGE_KEY);
}
