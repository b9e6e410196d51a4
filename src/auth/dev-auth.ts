// Development and test defaults for the auth files (`npm run local`, the tests, the benchmark): a freshly
// generated P-521 key and users files in which anonymous may do everything an operator needs, plus an
// `admin` user (password `admin`) who may also reload, revoke and scrape metrics. Never for production:
// the key is generated per machine into a git-ignored folder.
import { hash } from '@node-rs/bcrypt'
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface AuthFiles {
  readonly jwkFile: string
  readonly permissionsFile: string
  readonly passwdFile: string
}

export const DEV_ADMIN = { username: 'admin', password: 'admin' } as const

const PERMISSIONS = `# Development permissions: anonymous may read and write everything; admin may also administer.
anonymous:
  list_topics: true
  list_brokers: true
  list_urps: true
  list_groups: true
  show_topic: all
  show_offsets: all
  show_urps: all
  show_broker: all
  show_group: all
  produce: all
  fetch: all
${DEV_ADMIN.username}:
  reload: true
  revoke: true
  metrics: true
`

/** Writes the files into `dir` unless they are there already; returns their paths. */
export async function writeDevelopmentAuth (dir: string): Promise<AuthFiles> {
  mkdirSync(dir, { recursive: true })
  const files: AuthFiles = {
    jwkFile: join(dir, 'jwk.pem'),
    permissionsFile: join(dir, 'permissions.yml'),
    passwdFile: join(dir, 'passwd.yml')
  }
  if (!existsSync(files.jwkFile)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' })
    writeFileSync(files.jwkFile, privateKey.export({ type: 'sec1', format: 'pem' }), { mode: 0o600 })
  }
  if (!existsSync(files.permissionsFile)) writeFileSync(files.permissionsFile, PERMISSIONS)
  if (!existsSync(files.passwdFile)) {
    writeFileSync(files.passwdFile, `${DEV_ADMIN.username}:\n  password_hash: "${await hash(DEV_ADMIN.password, 12)}"\n`)
  }
  return files
}

/** The gateway's environment variables for these files. */
export function authEnvironment (files: AuthFiles): Record<string, string> {
  return {
    KASTLEX_JWK_FILE: files.jwkFile,
    KASTLEX_PERMISSIONS_FILE_PATH: files.permissionsFile,
    KASTLEX_PASSWD_FILE_PATH: files.passwdFile
  }
}
