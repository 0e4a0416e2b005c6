import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from './app.js';

const here = new URL('.', import.meta.url);
const routes = apiRoutes(() => undefined);
const name = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

function titlesIn(source: string): string[] {
  const titles = [...source.matchAll(/\bit\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*?)\1/g)].map((m) => m[2] ?? '');
  // The fuzz tests build their titles from a table (`${route.method} ${route.label} …`). Importing that table
  // would run the emulator file, so the table is read as text: each literal `method: 'X', label: '/…'` pair
  // fills in every title template that names `route.method` and `route.label`.
  const template = /\$\{route\.method\} \$\{route\.label\}/;
  const pairs = [...source.matchAll(/method:\s*'([A-Z]+)',\s*label:\s*'([^']+)'/g)];
  return titles.flatMap((title) =>
    template.test(title)
      ? pairs.map(([, method, label]) => title.replace(template, () => `${method} ${label}`))
      : [title],
  );
}

const titles = readdirSync(here)
  .filter((file) => file.endsWith('.emulator.test.ts'))
  .flatMap((file) => titlesIn(readFileSync(new URL(file, here), 'utf8')));

const withBodies = routes
  .filter((r) => r.body !== undefined && (r.method === 'POST' || r.method === 'PATCH'))
  .map(name);

// Every keyed route is called with another workspace's key by isolation.emulator.test.ts, which takes the
// routes from apiRoutes() and checks that each call reached that route's handler; here only the bodies' tests.
describe('route coverage of the emulator tests', () => {
  it('finds the routes with bodies and the test titles it checks', () => {
    expect(withBodies.length).toBeGreaterThan(0);
    expect(titles).toContain('POST /v1/api-keys answers 400 problem JSON and writes nothing');
  });

  it.each(withBodies)('%s has a test answering invalid bodies with 400 problem JSON', (route) => {
    const found = titles.some((t) => t.startsWith(`${route} `) && t.includes('400 problem JSON'));
    expect(found, `no emulator test titled "${route} …400 problem JSON…"`).toBe(true);
  });
});
