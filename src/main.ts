// Entry point. The environment the native parts read when they load is set before anything imports them.
import { presetRuntimeEnv } from './runtime-env.js'
presetRuntimeEnv()

const { start } = await import('./gateway.js')
await start(process.env)
