import { launchChromium } from '@auth-agent/example-agent';

/** Prints a line and keeps it, so the run can be pictured as a terminal screenshot. */
export function createTranscript() {
  const lines: string[] = [];
  return {
    lines,
    print(line = '') {
      lines.push(line);
      process.stdout.write(`${line}\n`);
    },
  };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch,
  );

/** Renders the transcript as a terminal window and saves a PNG of it. */
export async function screenshotTranscript(lines: string[], path: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 200 } });
    await page.setContent(`<!doctype html><body style="margin:0;background:#0b1020">
<pre style="margin:0;padding:20px 24px;color:#e5e7eb;font:14px/1.45 ui-monospace,'DejaVu Sans Mono',monospace;white-space:pre-wrap">$ npm run demo
${escapeHtml(lines.join('\n'))}</pre></body>`);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}
