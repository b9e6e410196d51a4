// The micro-benchmark's measure of garbage: V8's sampling heap profiler on the gateway's main thread, counting the
// objects scavenges and mark-compacts collected too (what a request allocates, not what it keeps). Installed by the
// stub gateway when BENCH_ALLOCATIONS_FILE is set: each SIGUSR2 starts or stops the sampling, and the state goes
// to that file as JSON, {"state":"sampling"} and then {"state":"done","bytes":<allocated since the start>}.
// Sampling slows the gateway several times over: it runs in a window of its own, apart from the CPU figures.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'

/** Bytes between samples on average (V8 scales each sample back to an estimate of all allocations). */
const SAMPLING_INTERVAL_BYTES = 512

interface ProfileNode { readonly selfSize: number, readonly children: readonly ProfileNode[] }

export type AllocationState = { readonly state: 'sampling' } | { readonly state: 'done', readonly bytes: number }

export function installAllocationSampler (file: string): void {
  const session = new Session()
  session.connect()
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (err, result) => { if (err !== null) reject(err); else resolve(result) }))
  let sampling = false
  const write = (state: AllocationState): void => writeFileSync(file, JSON.stringify(state))
  process.on('SIGUSR2', () => {
    const toggled = sampling
      ? post('HeapProfiler.stopSampling').then((result) => write({ state: 'done', bytes: allocated((result as { profile: { head: ProfileNode } }).profile.head) }))
      : post('HeapProfiler.startSampling', { samplingInterval: SAMPLING_INTERVAL_BYTES, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
        .then(() => write({ state: 'sampling' }))
    sampling = !sampling
    toggled.catch((err: unknown) => { process.stderr.write(`allocation sampler: ${String(err)}\n`) })
  })
  void post('HeapProfiler.enable')
}

function allocated (node: ProfileNode): number {
  let bytes = node.selfSize
  for (const child of node.children) bytes += allocated(child)
  return bytes
}
