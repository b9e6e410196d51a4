#!/usr/bin/env node
// npm run docs:config: writes the configuration tables generated from src/config/variables.ts into
// README.md, between its markers (run after `npm run build`; the npm script builds first).
import { readFileSync, writeFileSync } from 'node:fs'
import { withConfigurationSection } from '../dist/src/config/readme.js'

const README = new URL('../README.md', import.meta.url)
const before = readFileSync(README, 'utf8')
const after = withConfigurationSection(before)
if (after !== before) writeFileSync(README, after)
console.log(after === before ? 'README.md: configuration unchanged' : 'README.md: configuration updated')
