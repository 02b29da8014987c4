import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); CI installs it in .ci/run. */
export const CHROMIUM_PATH = process.env.RATSWEG_CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where screenshots of every page go (named in the README; ignored by git). */
export const SCREENSHOT_DIR = join(process.cwd(), 'infra', 'reports', 'screenshots');

export const DESKTOP = { width: 1280, height: 800 };
/** A phone (narrower than 200 % zoom of a 1280 px window, which checkZoom covers on its own). */
export const PHONE = { width: 390, height: 844 };

/** axe-core's browser build, injected into each page under test. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: the web application's tests run in Debian's Chromium. ` +
        'Install it with `apt-get install -y chromium` (as root; .ci/run does this in CI), or set RATSWEG_CHROMIUM_PATH.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Fails the test on script errors and on anything the Content-Security-Policy blocked. */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return problems;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe-core's WCAG 2.1 AA rules on the page as it is now. Injected through the DevTools protocol,
 * so the page's CSP (script-src 'self') stays in force.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate('typeof window.axe !== "undefined"');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_21_AA)} }, resultTypes: ['violations'] }).then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`,
  )) as AxeViolation[];
  return violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Whether the page needs scrolling sideways (content wider than the window). */
export async function overflowsSideways(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth + 1')) as boolean;
}

/**
 * Checks the page at desktop and phone size: zero axe violations, no sideways scrolling on the
 * phone, and a screenshot of each. Returns what was wrong (empty when all is well).
 */
export async function checkPage(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const problems: string[] = [];
  for (const [label, size] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(size);
    problems.push(...(await axeViolations(page)).map((violation) => `${name} (${label}): ${violation}`));
    if (label === 'phone' && (await overflowsSideways(page))) problems.push(`${name} (${label}): the page scrolls sideways`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
  return problems;
}

/** Presses Tab until the focused element matches `selector` (keyboard only); fails after `max` presses. */
export async function tabTo(page: Page, selector: string, max = 40): Promise<void> {
  for (let presses = 0; presses < max; presses += 1) {
    await page.keyboard.press('Tab');
    const matches = await page.evaluate(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`);
    if (matches) return;
  }
  const focused = await page.evaluate('document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : "nothing"');
  throw new Error(`${max} presses of Tab did not reach ${selector}; focus is on ${String(focused)}`);
}

/** The element that has the focus, as HTML (for assertions on where the focus went). */
export async function focused(page: Page): Promise<string> {
  return (await page.evaluate('document.activeElement ? document.activeElement.outerHTML : ""')) as string;
}

/** A 1280 × 800 window at 200 % zoom: 640 × 400 CSS pixels (WCAG 1.4.4 Resize text, 1.4.10 Reflow). */
export const ZOOM_200 = { width: 640, height: 400 };

/**
 * The page as a 1280 px window shows it at 200 % zoom: no sideways scrolling
 * (`scrollWidth ≤ clientWidth`), every given control visible, enabled and wholly inside the
 * 640 px width once scrolled to, zero axe violations; and a screenshot. Returns what was wrong.
 */
export async function checkZoom(page: Page, name: string, controls: Locator[]): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const problems: string[] = [];
  await page.setViewportSize(ZOOM_200);
  const { scrollWidth, clientWidth } = (await page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
  )) as { scrollWidth: number; clientWidth: number };
  if (scrollWidth > clientWidth) problems.push(`${name} (200 %): scrolls sideways (scrollWidth ${scrollWidth} > clientWidth ${clientWidth})`);
  for (const control of controls) {
    await control.scrollIntoViewIfNeeded();
    const box = await control.boundingBox();
    const label = control.toString();
    if (!(await control.isVisible()) || !box) problems.push(`${name} (200 %): ${label} is not visible`);
    else if (box.x < 0 || box.x + box.width > clientWidth + 1) problems.push(`${name} (200 %): ${label} sticks out sideways (${box.x}–${box.x + box.width} of ${clientWidth})`);
    if (!(await control.isEnabled())) problems.push(`${name} (200 %): ${label} is disabled`);
  }
  problems.push(...(await axeViolations(page)).map((violation) => `${name} (200 %): ${violation}`));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-zoom200.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  return problems;
}
