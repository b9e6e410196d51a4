// glibc's malloc arenas for a gateway process. Each thread that allocates gets an arena of its own, up to
// 8 per core, and an arena keeps what its thread freed (fragmented, not returned to the system). A gateway
// runs a dozen such threads: librdkafka's (a main thread and one per broker, per client), libuv's pool and
// V8's helpers. After the offsets tail had replayed 2,000,000 commit records of 10,000 partitions, an idle
// gateway with two arenas and the young generation of v8-flags.ts held about 40 MB less RSS (bench:scale,
// README Performance). Set where a gateway process is started (`npm start`, `npm run local`, the benchmarks;
// the Dockerfile sets it for the container): glibc reads it once, when the process starts.
const VARIABLE = 'MALLOC_ARENA_MAX'
const GATEWAY_ARENAS = '2'

/** The environment to start a gateway with: `env`, with two arenas unless it sets MALLOC_ARENA_MAX itself. */
export function gatewayEnv (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env[VARIABLE] === undefined ? { ...env, [VARIABLE]: GATEWAY_ARENAS } : env
}
