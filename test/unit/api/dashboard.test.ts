// The dashboard page (SPEC §10.8) as text, where no browser is needed: self-contained, one script that
// parses and never hands text to an HTML parser. test/integration/dashboard.test.ts runs it in Chromium.
import test from 'ava'
import { Script } from 'node:vm'
import { DASHBOARD_PAGE } from '../../../src/api/dashboard-page.js'

const inline = (tag: string): string[] => [...DASHBOARD_PAGE.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] as string)

test('one inline style and one inline script; nothing loaded from a URL but data: and this origin', (t) => {
  t.is(inline('style').length, 1)
  t.is(inline('script').length, 1)
  t.is((DASHBOARD_PAGE.match(/<script/g) ?? []).length, 1, 'no <script src>')
  t.false(DASHBOARD_PAGE.includes('://'), 'no absolute URL')
  t.false(DASHBOARD_PAGE.includes('//cdn'), 'no protocol-relative URL')
  t.false(/@import|url\(/.test(inline('style')[0] as string))
  for (const [, attribute, value] of DASHBOARD_PAGE.matchAll(/\b(src|href|action)="([^"]*)"/g)) {
    t.true(value?.startsWith('data:') === true || /^\/[^/]/.test(value ?? ''), `${attribute}="${value}"`)
  }
})

test('the script parses, and builds the page with text only (no HTML parsing of API data)', (t) => {
  const script = inline('script')[0] as string
  t.notThrows(() => new Script(script))
  for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'Function(', 'setHTML', 'createContextualFragment']) {
    t.false(script.includes(sink), sink)
  }
})
