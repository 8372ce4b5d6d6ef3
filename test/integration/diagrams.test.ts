/// <reference lib="dom" />
/**
 * Every Mermaid diagram of dist/README.md rendered as GitHub shows it: the project's Mermaid in headless
 * Chromium (Debian's package, never a download), the SVG scaled to the 880 px column. Each must keep its
 * text at 11 px or more and no two labels may overlap. The PNGs go to artifacts/diagrams/ (CI keeps them).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { Browser, Page } from 'puppeteer-core';

const REPO_ROOT = join(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'artifacts', 'diagrams');
const COLUMN = 880;
const MIN_TEXT = 11;
const GAP = 2;

interface Diagram {
  readonly name: string;
  readonly heading: string;
  readonly text: string;
}

/** Each ```mermaid block, named by its "### platform" and "#### concern" headings. */
function readmeDiagrams(markdown: string): Diagram[] {
  const diagrams: Diagram[] = [];
  const headings: string[] = [];
  for (const match of markdown.matchAll(/^(#{2,4}) (.*)$|^```mermaid\n([\s\S]*?)^```$/gm)) {
    if (match[1]) headings.splice(match[1].length - 2, Infinity, match[2]);
    else {
      const heading = headings.slice(1).join(' / ');
      diagrams.push({ heading, name: heading.toLowerCase().replace(/\(.*?\)/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''), text: match[3] });
    }
  }
  return diagrams;
}

interface Measured {
  readonly width: number;
  readonly scale: number;
  readonly small: ReadonlyArray<{ text: string; px: number }>;
  readonly overlaps: ReadonlyArray<[string, string]>;
}

/** Renders one diagram into the 880 px column and measures it there, in the page. */
async function renderAndMeasure(page: Page, text: string): Promise<Measured> {
  return page.evaluate(async (source: string, minText: number, gap: number) => {
    const mermaid = (window as unknown as { mermaid: { render(id: string, text: string): Promise<{ svg: string }> } }).mermaid;
    const column = document.getElementById('column')!;
    column.innerHTML = (await mermaid.render(`d${Math.random().toString(36).slice(2)}`, source)).svg;
    const svg = column.querySelector('svg')!;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const textOf = (element: Element) => ((element as HTMLElement).innerText ?? element.textContent ?? '').replace(/\s+/g, ' ').trim();
    const visible = (element: Element) => textOf(element) !== '';
    // Leaf elements that carry text: HTML labels inside foreignObject, or SVG <tspan>/<text>.
    const texts = [...svg.querySelectorAll('span, p, tspan, text')].filter((element) => visible(element) && ![...element.children].some(visible));
    const small = texts.map((element) => ({ text: textOf(element), px: Math.round(parseFloat(getComputedStyle(element).fontSize) * scale * 10) / 10 })).filter(({ px }) => px < minText);
    const labels = [...svg.querySelectorAll('.node .label, .edgeLabel .label, .cluster-label')].filter(visible).map((element) => ({ text: textOf(element), box: element.getBoundingClientRect() }));
    const overlaps: Array<[string, string]> = [];
    labels.forEach((a, i) =>
      labels.slice(i + 1).forEach((b) => {
        const [x, y] = [Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left), Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top)];
        // Closer than GAP px reads as one label (two stacked edge labels, say), so that counts too.
        if (x > -gap && y > -gap) overlaps.push([a.text, b.text]);
      }),
    );
    return { width: Math.round(svg.viewBox.baseVal.width), scale: Math.round(scale * 1000) / 1000, small, overlaps };
  }, text, MIN_TEXT, GAP);
}

/** What is wrong with a measured diagram, one line each; empty when it reads at 880 px. */
function problems(heading: string, measured: Measured): string[] {
  const small = measured.small.map(({ text, px }) => `${heading}: "${text}" is ${px} px (the ${measured.width} px wide diagram is scaled by ${measured.scale})`);
  const overlaps = measured.overlaps.map(([a, b]) => `${heading}: "${a}" overlaps "${b}"`);
  return [...small, ...overlaps];
}

const available = existsSync(CHROMIUM);
if (!available && process.env.CI) {
  test('Chromium is installed', () => {
    throw new Error(`${CHROMIUM} is missing: install the Debian package "chromium" (.ci/run does)`);
  });
} else if (!available) {
  console.warn(`diagrams.test.ts skipped: ${CHROMIUM} is missing (install the Debian package "chromium")`);
}

(available ? describe : describe.skip)('the diagrams of dist/README.md in Chromium at 880 px', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    await page.setViewport({ width: COLUMN, height: 800 });
    // GitHub's column: the SVG never wider than it (max-width: 100%), never scaled up.
    await page.setContent(`<!doctype html><body style="margin:0"><div id="column" style="width:${COLUMN}px"></div><style>#column svg{max-width:100%;height:auto}</style></body>`);
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    await page.evaluate(() => (window as unknown as { mermaid: { initialize(config: object): void } }).mermaid.initialize({ startOnLoad: false }));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(() => browser?.close());

  const diagrams = readmeDiagrams(readFileSync(join(REPO_ROOT, 'dist', 'README.md'), 'utf8'));

  test('dist/README.md has diagrams, each named', () => {
    expect(diagrams.length).toBeGreaterThanOrEqual(4);
    expect(new Set(diagrams.map(({ name }) => name)).size).toBe(diagrams.length);
  });

  test.each(diagrams.map((diagram) => [diagram.heading, diagram] as const))('%s: text ≥ 11 px, no labels overlap', async (_, diagram) => {
    const measured = await renderAndMeasure(page, diagram.text);
    await (await page.$('#column'))!.screenshot({ path: join(ARTIFACTS, `${diagram.name}.png`) });
    expect(problems(diagram.heading, measured)).toEqual([]);
  });

  test('the check catches a diagram too wide for the column', async () => {
    const chain = Array.from({ length: 6 }, (_, i) => `  n${i}["Deployment/a-rather-long-name-${i}"] -->|"DB_URL from Secret ${i}"| n${i + 1}`);
    const found = problems('wide', await renderAndMeasure(page, ['flowchart LR', ...chain].join('\n')));
    expect(found).toContainEqual(expect.stringMatching(/^wide: "Deployment\/a-rather-long-name-0" is \d+(\.\d)? px \(the \d+ px wide diagram is scaled by 0\.\d+\)$/));
    expect(found).toContainEqual(expect.stringMatching(/^wide: "DB_URL from Secret 0" is /));
  });

  test('the check catches labels that overlap (Mermaid places these two on top of each other)', async () => {
    const crossing = [
      'flowchart LR',
      '  subgraph inside["namespace"]',
      '    a["CronJob/db-dump"]',
      '    b["OpenTelemetryCollector/otel-collector"]',
      '    c["Deployment/otel-collector-jaeger"]',
      '  end',
      '  a -->|"DB_URL from Secret backend-secrets"| db["PostgreSQL"]',
      '  b -->|"4317"| c',
      '  b -->|"POSTGRES_ENDPOINT from Secret db-monitoring"| db',
    ];
    expect(problems('crossing', await renderAndMeasure(page, crossing.join('\n')))).toEqual(['crossing: "DB_URL from Secret backend-secrets" overlaps "POSTGRES_ENDPOINT from Secret db-monitoring"']);
  });
});
