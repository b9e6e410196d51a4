// GET /health (SPEC §10.1): the process is alive. No auth, no negotiation.
import type { Route } from '../http/router.js'

const OK = JSON.stringify({ status: 'ok' })

export const healthRoute: Route = {
  method: 'GET',
  template: '/health',
  negotiation: 'none',
  handle: () => ({ status: 200, body: OK })
}
