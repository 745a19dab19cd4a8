// action.yml and the code agree: every input the Action reads is declared and every declared one is read, the
// outputs are the ones it sets, and the runner starts the committed bundle with Node 24.
import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {DEPLOY_INPUTS, parseDeployOptions} from '../../src/deploy/index.js'

const ROOT = resolve(import.meta.dirname, '../..')
const manifest = parse(readFileSync(resolve(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, {default?: string; required?: boolean}>
  outputs: Record<string, unknown>
  runs: {using: string; main: string}
}

describe('action.yml', () => {
  it('declares exactly the inputs the Action reads, none required', () => {
    expect(Object.keys(manifest.inputs).sort()).toEqual([...DEPLOY_INPUTS, 'token', 'channel', 'config', 'fail-on-error'].sort())
    expect(Object.values(manifest.inputs).filter((input) => input.required !== false)).toEqual([])
  })

  it('its defaults are the ones the code applies when run without them', () => {
    const defaults = Object.fromEntries(Object.entries(manifest.inputs).filter(([, input]) => input.default !== undefined).map(([name, input]) => [name, input.default]))
    expect(defaults).toEqual({
      status: '${{ job.status }}',
      channel: 'deploy',
      'parse-mode': 'html',
      'disable-notification': 'false',
      'fail-on-error': 'false',
      'throttle-seconds': '0',
    })
    // The shared ones, as the code reads blank inputs (channel and fail-on-error: see message and failures tests).
    expect(parseDeployOptions({status: 'success'}, String)).toMatchObject({parseMode: 'HTML', silent: false, throttleSeconds: 0})
  })

  it('declares the outputs it sets, and runs the committed bundle on node24', () => {
    expect(Object.keys(manifest.outputs)).toEqual(['message-ids', 'chat-ids', 'status'])
    expect(manifest.runs).toEqual({using: 'node24', main: 'dist/action/index.js'})
    expect(existsSync(resolve(ROOT, manifest.runs.main))).toBe(true)
  })
})
