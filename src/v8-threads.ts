// V8's platform threads of a gateway process (the helpers of parallel scavenges and concurrent marking,
// shared by the main thread and the Kafka workers). Node starts 4 of them whatever the machine; on 2 cores
// or fewer, where they compete with the JavaScript threads, librdkafka's and the broker's, one is faster:
// a scavenge that waits for helpers the scheduler put aside became the p99 (README, Performance).
// Set where a gateway process is started: `npm start` (the supervisor), `npm run local`, bench:compare;
// left out of the flags of the process's worker threads, which refuse process-wide flags.
import { availableParallelism } from 'node:os'

const POOL_FLAG = '--v8-pool-size'
/** Machines up to this many cores get one helper thread. */
const FEW_CORES = 2

const isPoolFlag = (arg: string): boolean => arg === POOL_FLAG || arg.startsWith(`${POOL_FLAG}=`)

/** The flag to start a gateway with: none where the machine has more cores, or the flag is set already. */
export function v8PoolArgs (execArgv: readonly string[], nodeOptions: string | undefined, cores: number): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some(isPoolFlag)
  return given || cores > FEW_CORES ? [] : [`${POOL_FLAG}=1`]
}

/** `execArgv` without the pool flag (and its value): a worker thread refuses process-wide flags. */
export function withoutPoolFlag (execArgv: readonly string[]): string[] {
  return execArgv.filter((arg, i) => !isPoolFlag(arg) && execArgv[i - 1] !== POOL_FLAG)
}

/**
 * `execArgv` for a worker thread of this process (the Kafka workers, the token store): the parent's,
 * without the pool flag, and with require() of ES modules off. Piscina tries require() on the worker file
 * before import(); Node 20's require() of an ES module aborted the whole process once under load in CI
 * (V8: "IsGraphAsync must be used on an instantiated module"); with it off, require() fails cleanly and
 * the module is imported.
 */
export function workerExecArgv (): string[] {
  return [...withoutPoolFlag(process.execArgv), '--no-experimental-require-module']
}

/** `execArgv` for a gateway started from this process. */
export function gatewayExecArgv (): string[] {
  return [...process.execArgv, ...v8PoolArgs(process.execArgv, process.env.NODE_OPTIONS, availableParallelism())]
}
