/**
 * The part of a Playwright `Page` the agent SDK uses. Declared structurally so the SDK has
 * no runtime dependency on Playwright: pass a `playwright` or `playwright-core` page.
 */
export interface PlaywrightPageLike {
  /** The URL of the page's main frame. */
  url(): string;
  /** Runs a self-contained function in the page and returns its result. */
  evaluate<R>(pageFunction: () => R | Promise<R>): Promise<R>;
  /** Waits until the main frame's URL satisfies the predicate. */
  waitForURL(url: (url: URL) => boolean, options?: { timeout?: number }): Promise<unknown>;
}
