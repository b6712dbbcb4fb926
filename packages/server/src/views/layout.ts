import { html, SafeHtml } from './html.js';

const STYLE = `
:root{color-scheme:light dark;--fg:#16181d;--bg:#f6f7f9;--card:#fff;--muted:#5b6170;--accent:#3346d3;--bad:#b42318}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaf0;--bg:#111318;--card:#1b1e26;--muted:#a2a8b8;--accent:#8ea0ff;--bad:#ff8a80}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:34rem;margin:8vh auto;padding:0 1rem}
.card{background:var(--card);border-radius:12px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 .75rem}p{margin:.5rem 0}.muted{color:var(--muted);font-size:.9rem}
.badge{display:inline-block;font-size:.75rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:var(--accent)}
.status{margin-top:1.25rem;padding:.75rem 1rem;border-radius:8px;background:rgba(51,70,211,.08)}
.status[data-state=expired],.status[data-state=denied],.error{color:var(--bad)}
code{font:.85rem ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
`;

/** The page shell. Style and script carry the per-response CSP nonce. */
export function layout(input: {
  title: string;
  nonce: string;
  body: SafeHtml;
  head?: SafeHtml;
  script?: SafeHtml;
  attributes?: SafeHtml;
  /** Referrer policy of the page; the console needs `same-origin` for its Origin checks. */
  referrer?: 'no-referrer' | 'same-origin';
}): string {
  return `<!doctype html>${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="${input.referrer ?? 'no-referrer'}">
<title>${input.title}</title>
<style nonce="${input.nonce}">${new SafeHtml(STYLE)}</style>
${input.head ?? ''}
</head>
<body ${input.attributes ?? ''}><main>${input.body}</main>${input.script ?? ''}</body>
</html>`.value
  }`;
}
