// GET / (SPEC §10.8): the dashboard, one self-contained page (dashboard-page.ts) that reads the v1 API
// from the browser with the user's token. No auth here: the API calls it makes are checked one by one.
import type { Route } from '../http/router.js'
import { DASHBOARD_PAGE } from './dashboard-page.js'

/** Only inline script and style, requests to this origin only, images only as data: URLs (the favicon). */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; frame-ancestors 'none'"

export function dashboardRoute (): Route {
  const reply = {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: [['content-security-policy', DASHBOARD_CSP]] as const,
    body: DASHBOARD_PAGE
  }
  return { method: 'GET', template: '/', negotiation: 'html', handle: () => reply }
}
