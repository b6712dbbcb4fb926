import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AuthAgentButton } from '../src/react/index.js';

describe('<AuthAgentButton>', () => {
  it('renders a real link with a visible label and a decorative inline icon', () => {
    const html = renderToStaticMarkup(createElement(AuthAgentButton, { href: '/login' }));
    expect(html).toMatch(/^<a /);
    expect(html).toContain('href="/login"');
    expect(html).toContain('<span>Sign in with Auth Agent</span>');
    expect(html).toContain('aria-hidden="true"');
    expect(html).toContain('focusable="false"');
    expect(html).toContain('min-height:44px');
  });

  it('loads no external assets: no image, stylesheet, script or remote URL', () => {
    const html = renderToStaticMarkup(
      createElement(AuthAgentButton, { href: '/login', theme: 'light' }),
    );
    expect(html).not.toMatch(/<(img|link|script|iframe)\b/);
    expect(html).not.toMatch(/(src|xlink:href)=/);
    expect(html).not.toMatch(/url\(|https?:\/\//);
  });

  it('accepts a custom label, anchor attributes and style overrides', () => {
    const html = renderToStaticMarkup(
      createElement(
        AuthAgentButton,
        { href: '/auth/start', id: 'signin', 'aria-describedby': 'help', style: { width: '100%' } },
        'Continue with Auth Agent',
      ),
    );
    expect(html).toContain('id="signin"');
    expect(html).toContain('aria-describedby="help"');
    expect(html).toContain('width:100%');
    expect(html).toContain('<span>Continue with Auth Agent</span>');
  });

  it('escapes a hostile label instead of injecting markup', () => {
    const html = renderToStaticMarkup(
      createElement(AuthAgentButton, { href: '/login' }, '<img src=x onerror=alert(1)>'),
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });
});
