/**
 * Progressive enhancement: copy buttons are rendered `hidden` and shown only when this
 * script runs, so the page works (select and copy by hand) without JavaScript.
 */
export const COPY_SCRIPT = `document.querySelectorAll('button[data-copy]').forEach((button) => {
  const target = document.getElementById(button.dataset.copy);
  if (!target || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(target.textContent); button.textContent = 'Copied'; }
    catch (_) { button.textContent = 'Select and copy by hand'; }
    setTimeout(() => { button.textContent = 'Copy'; }, 2000);
  });
});`;
