// HTTP ceiling of the comparison benchmark: a bare uWebSockets.js server that reads the whole request
// body and answers 204, nothing else. Spawned by bench/compare/contenders.ts as its own process.
//
//   node dist/bench/compare/ceilings/bare-uws.js <port>      (listens on 127.0.0.1 only; prints "listening <port>")
import * as uWS from '../../../src/http/uws.js'

const HOST = '127.0.0.1'
const port = Number(process.argv[2] ?? process.env.BENCH_BARE_PORT ?? 18093)
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`bare-uws: invalid port "${process.argv[2] ?? ''}"\n`)
  process.exit(2)
}

let bytes = 0
const app = uWS.App().any('/*', (res) => {
  let aborted = false
  res.onAborted(() => { aborted = true })
  res.onData((chunk, isLast) => {
    bytes += chunk.byteLength // read (and count) every chunk of the body
    if (isLast && !aborted) res.cork(() => { res.writeStatus('204 No Content').end() })
  })
})

app.listen(HOST, port, (token) => {
  if (token === false) {
    process.stderr.write(`bare-uws: cannot listen on ${HOST}:${port}\n`)
    process.exit(1)
  }
  process.stdout.write(`listening ${port}\n`)
})

const stop = (): void => {
  process.stderr.write(`bare-uws: stopping (${bytes} body bytes read)\n`)
  process.exit(0)
}
process.once('SIGTERM', stop).once('SIGINT', stop)
