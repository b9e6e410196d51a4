// npm run fuzz [-- --short | --long]: one fuzz session against gateways of its own (fuzzer.ts); exit 1 when it failed.
import { Fuzzer, optionsFrom } from './fuzzer.js'

const passed = await new Fuzzer(optionsFrom(process.argv.slice(2), process.env)).run()
process.exit(passed ? 0 : 1)
