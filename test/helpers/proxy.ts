// Debian's nginx and HAProxy started by a test in front of a gateway: their own configuration in a temp
// dir, in the foreground, on loopback ports. CI installs both (.ci/run); missing here is a failure.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './gateway.js'
import { eventually } from './poll.js'

export interface Proxy {
  readonly dir: string
  output: () => string
  stop: () => Promise<void>
}

/** The binary at its Debian path, or an error telling how to install it. */
function installed (path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`${path} not found: install it with \`apt-get install -y ${pkg}\` (.ci/run does)`)
  return path
}

function run (command: string, args: string[], dir: string): Proxy {
  const child: ChildProcess = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    dir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

/** Resolves once something accepts HTTP on the port (any answer); rejects with the proxy's output. */
async function listening (proxy: Proxy, port: number): Promise<void> {
  const up = await eventually(async () => await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false), (ok) => ok, 10_000)
  if (!up) throw new Error(`proxy not listening on ${port}:\n${proxy.output()}`)
}

/**
 * nginx (one process, no daemon) with `server` blocks: `listen` and the temp paths are filled in.
 * `servers` maps a name to the body of its `location /`; the result maps each name to its port.
 */
export async function startNginx (upstreams: string, servers: Record<string, string>): Promise<Proxy & { ports: Record<string, number> }> {
  const nginx = installed('/usr/sbin/nginx', 'nginx')
  const dir = mkdtempSync(join(tmpdir(), 'kastlex-nginx-'))
  const ports: Record<string, number> = {}
  for (const name of Object.keys(servers)) ports[name] = await freePort()
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(dir, kind)};`).join('\n')
  writeFileSync(join(dir, 'nginx.conf'), `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
${temp}
${upstreams}
${Object.entries(servers).map(([name, location]) => `  server {\n    listen 127.0.0.1:${ports[name] ?? 0};\n    location / {\n${location}\n    }\n  }`).join('\n')}
}
`)
  const proxy = run(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], dir)
  for (const port of Object.values(ports)) await listening(proxy, port)
  return { ...proxy, ports }
}

/** HAProxy in the foreground with `config` (after a global section); `port` is free for its stats page. */
export async function startHaproxy (config: (statsPort: number) => string): Promise<Proxy & { statsPort: number }> {
  const haproxy = installed('/usr/sbin/haproxy', 'haproxy')
  const dir = mkdtempSync(join(tmpdir(), 'kastlex-haproxy-'))
  const statsPort = await freePort()
  writeFileSync(join(dir, 'haproxy.cfg'), `global
  log stderr format raw local0 warning
defaults
  mode http
  log global
  timeout connect 2s
  timeout client 10s
  timeout server 10s
listen stats
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats
${config(statsPort)}
`)
  const proxy = run(haproxy, ['-db', '-f', join(dir, 'haproxy.cfg')], dir)
  await listening(proxy, statsPort)
  return { ...proxy, statsPort }
}
