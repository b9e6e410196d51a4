// The project's native addons (binding.gyp) are loaded from build/Release/ of the package root.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Loads build/Release/<file> from the nearest ancestor of this module that holds it (two levels up from
 * dist/src/, one from src/). Keyed on the addon itself, not binding.gyp, because a runtime image ships
 * build/ and dist/ without the sources.
 */
export function loadNativeAddon (file: string): unknown {
  const here = dirname(fileURLToPath(import.meta.url))
  for (let dir = here; ; dir = dirname(dir)) {
    const path = join(dir, 'build', 'Release', file)
    if (existsSync(path)) return createRequire(import.meta.url)(path)
    if (dirname(dir) === dir) throw new Error(`build/Release/${file} not found above ${here}: build it with \`npm run install\` (node-gyp rebuild)`)
  }
}
