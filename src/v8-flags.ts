// The V8 flags a gateway process starts with. Set where a gateway process is started: `npm start` (the
// supervisor), `npm run local`, the benchmarks; left out of the flags of the process's worker threads, which
// refuse process-wide flags (V8's flags are the process's, so its workers' heaps follow them anyway).
// - One helper thread on 2 cores or fewer: V8's platform threads (the helpers of parallel scavenges and
//   concurrent marking, shared by the main thread and the Kafka workers). Node starts 4 whatever the machine;
//   on 2 cores, where they compete with the JavaScript threads, librdkafka's and the broker's, one is faster:
//   a scavenge that waits for helpers the scheduler put aside became the p99 (README, Performance).
// - A young generation of 2 × 8 MB instead of 2 × 16 MB: an idle gateway at 10,000 partitions held it at its
//   largest (its offsets refreshes allocate enough to keep it there), 16 MB of RSS for nothing; produce, batch
//   and fetch were level with it in alternated pairs (README, Performance).
import { availableParallelism } from 'node:os'

const POOL_FLAG = '--v8-pool-size'
/** Machines up to this many cores get one helper thread. */
const FEW_CORES = 2
const SEMI_SPACE_FLAG = '--max-semi-space-size'
const SEMI_SPACE_MB = 8

const isFlag = (flag: string) => (arg: string): boolean => arg === flag || arg.startsWith(`${flag}=`)
const PROCESS_FLAGS = [POOL_FLAG, SEMI_SPACE_FLAG]

/** The flags to start a gateway with: each unless `execArgv` or `nodeOptions` set it; the pool's only on few cores. */
export function gatewayV8Args (execArgv: readonly string[], nodeOptions: string | undefined, cores: number): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)]
  const args: string[] = []
  if (cores <= FEW_CORES && !given.some(isFlag(POOL_FLAG))) args.push(`${POOL_FLAG}=1`)
  if (!given.some(isFlag(SEMI_SPACE_FLAG))) args.push(`${SEMI_SPACE_FLAG}=${SEMI_SPACE_MB}`)
  return args
}

/** `execArgv` without these flags (and their values): a worker thread refuses process-wide flags. */
export function withoutProcessFlags (execArgv: readonly string[]): string[] {
  const isProcessFlag = (arg: string): boolean => PROCESS_FLAGS.some((flag) => isFlag(flag)(arg))
  return execArgv.filter((arg, i) => !isProcessFlag(arg) && !PROCESS_FLAGS.includes(execArgv[i - 1] ?? ''))
}

/**
 * `execArgv` for a worker thread of this process (the Kafka workers, the token store): the parent's,
 * without the process-wide flags, and with require() of ES modules off. Piscina tries require() on the
 * worker file before import(); Node 20's require() of an ES module aborted the whole process once under load
 * in CI (V8: "IsGraphAsync must be used on an instantiated module"); with it off, require() fails cleanly and
 * the module is imported.
 */
export function workerExecArgv (): string[] {
  return [...withoutProcessFlags(process.execArgv), '--no-experimental-require-module']
}

/** `execArgv` for a gateway started from this process. */
export function gatewayExecArgv (): string[] {
  return [...process.execArgv, ...gatewayV8Args(process.execArgv, process.env.NODE_OPTIONS, availableParallelism())]
}
