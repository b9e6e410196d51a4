// The HTTPS listener's uWS app (SPEC §9): KASTLEX_CERTFILE, KASTLEX_KEYFILE and the chain in KASTLEX_CACERTFILE.
// uWS only says "App construction failed" when it cannot use the files, so they are checked here first
// and every problem names its variable.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as uWS from './uws.js'
import type { HttpsConfig } from '../config.js'

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g

/**
 * An SSLApp serving the certificate with the CA chain appended. The chain is not passed as uWS's
 * `ca_file_name`: uSockets uses that file to request and verify client certificates and does not send
 * it, while KASTLEX_CACERTFILE is the chain sent with the certificate and no client certificate is asked for.
 * Throws an Error naming the variable when a file is unusable.
 */
export function sslApp (https: HttpsConfig): uWS.TemplatedApp {
  const certPem = readPem('KASTLEX_CERTFILE', https.certFile)
  const certs = certificates('KASTLEX_CERTFILE', https.certFile, certPem)
  const key = privateKey(https.keyFile)
  if (!(certs[0] as X509Certificate).checkPrivateKey(key)) {
    throw new Error(`KASTLEX_KEYFILE: ${https.keyFile}: the key does not belong to the certificate in KASTLEX_CERTFILE (${https.certFile})`)
  }
  let chainPem = ''
  if (https.caFile !== undefined) {
    const caPem = readPem('KASTLEX_CACERTFILE', https.caFile)
    certificates('KASTLEX_CACERTFILE', https.caFile, caPem)
    chainPem = (caPem.match(PEM_CERTIFICATE) ?? []).join('\n') + '\n'
  }
  // uSockets reads the files while constructing the app; a chain goes through a short-lived file.
  const dir = chainPem === '' ? undefined : mkdtempSync(join(tmpdir(), 'kastlex-tls-'))
  try {
    let certFile = https.certFile
    if (dir !== undefined) {
      certFile = join(dir, 'chain.pem')
      writeFileSync(certFile, (certPem.match(PEM_CERTIFICATE) ?? []).join('\n') + '\n' + chainPem, { mode: 0o600 })
    }
    return uWS.SSLApp({ cert_file_name: certFile, key_file_name: https.keyFile })
  } catch (err) {
    throw new Error(`HTTPS: uWS could not build a TLS context from KASTLEX_CERTFILE (${https.certFile}) and KASTLEX_KEYFILE (${https.keyFile}): ${(err as Error).message}`)
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  }
}

function readPem (variable: string, path: string): string {
  try {
    return readFileSync(path, 'latin1')
  } catch (err) {
    throw new Error(`${variable}: cannot read ${path}: ${(err as Error).message}`)
  }
}

/** Every PEM certificate in the file, parsed; at least one. */
function certificates (variable: string, path: string, pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0) throw new Error(`${variable}: ${path}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file`)
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block)
    } catch (err) {
      throw new Error(`${variable}: ${path}: certificate ${index + 1} does not parse: ${(err as Error).message}`)
    }
  })
}

function privateKey (path: string): KeyObject {
  const pem = readPem('KASTLEX_KEYFILE', path)
  try {
    return createPrivateKey(pem)
  } catch (err) {
    throw new Error(`KASTLEX_KEYFILE: ${path}: not a usable unencrypted PEM private key: ${(err as Error).message}`)
  }
}
