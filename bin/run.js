#!/usr/bin/env node
// The whole CLI is one bundle (scripts/build.mjs): resolving hundreds of small modules costs more than the work.
import {run} from '../dist/cli.js'

await run(process.argv.slice(2), import.meta.url)
