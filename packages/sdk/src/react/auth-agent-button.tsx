import type { AnchorHTMLAttributes, CSSProperties, ReactNode } from 'react';

/** Props of {@link AuthAgentButton}: any `<a>` attribute, plus these. */
export interface AuthAgentButtonProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  /**
   * The website's own route that starts the sign-in (it creates the transaction and
   * redirects to the Auth Agent server), e.g. `/login`.
   */
  href: string;
  /** The label. Default "Sign in with Auth Agent". */
  children?: ReactNode;
  /** Visual style. Default `dark`. */
  theme?: 'dark' | 'light';
}

const BASE: CSSProperties = {
  display: 'inline-flex',
  alignItems: 'center',
  gap: '0.6em',
  minHeight: '44px', // WCAG 2.5.5 target size
  padding: '0 1.1em',
  borderRadius: '8px',
  font: '600 16px/1.2 system-ui, -apple-system, "Segoe UI", sans-serif',
  textDecoration: 'none',
  border: '1px solid',
  cursor: 'pointer',
};

// Colour pairs chosen for at least 7:1 contrast (WCAG AAA) in both themes.
const THEMES: Record<'dark' | 'light', CSSProperties> = {
  dark: { background: '#111827', color: '#ffffff', borderColor: '#111827' },
  light: { background: '#ffffff', color: '#111827', borderColor: '#4b5563' },
};

/** An inline mark (a key in a rounded square): decorative, so hidden from assistive tech. */
function Mark() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect
        x="1.5"
        y="1.5"
        width="21"
        height="21"
        rx="5"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      />
      <circle cx="9" cy="12" r="3" fill="none" stroke="currentColor" strokeWidth="2" />
      <path
        d="M12 12h7m-2 0v3"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
      />
    </svg>
  );
}

/**
 * "Sign in with Auth Agent": a real link (keyboard and screen-reader friendly, works
 * without JavaScript) with an inline icon and no external assets. Point `href` at the
 * website's route that starts the sign-in on the server; tokens never reach the browser.
 *
 * @param props - `href`, optional label and theme, and any anchor attribute
 *
 * @example
 * ```tsx
 * <AuthAgentButton href="/login" />
 * ```
 */
export function AuthAgentButton({
  href,
  children = 'Sign in with Auth Agent',
  theme = 'dark',
  style,
  ...anchorProps
}: AuthAgentButtonProps) {
  return (
    <a
      {...anchorProps}
      href={href}
      data-auth-agent-button=""
      style={{ ...BASE, ...THEMES[theme], ...style }}
    >
      <Mark />
      <span>{children}</span>
    </a>
  );
}
