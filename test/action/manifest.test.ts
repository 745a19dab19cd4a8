// action.yml and the code agree: every input the Action reads is declared and every declared one is read, the
// outputs are the ones it sets, the runner starts the committed bundle with Node 24, and the metadata passes the
// Marketplace's publish form.
import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {DEFAULT_TIMEOUT_SECONDS} from '../../action/inputs.js'
import {DEPLOY_INPUTS, parseDeployOptions} from '../../src/deploy/index.js'
import {BRANDING_COLORS, BRANDING_ICONS, TAKEN_NAMES} from './marketplace.js'

const ROOT = resolve(import.meta.dirname, '../..')
const manifest = parse(readFileSync(resolve(ROOT, 'action.yml'), 'utf8')) as {
  name: string
  description: string
  branding: {icon: string; color: string}
  inputs: Record<string, {description: string; default?: string; required?: boolean}>
  outputs: Record<string, unknown>
  runs: {using: string; main: string}
}

describe('action.yml', () => {
  it('declares exactly the inputs the Action reads, none required', () => {
    expect(Object.keys(manifest.inputs).sort()).toEqual([...DEPLOY_INPUTS, 'token', 'channel', 'config', 'fail-on-error', 'timeout'].sort())
    expect(Object.values(manifest.inputs).filter((input) => input.required !== false)).toEqual([])
  })

  it('its defaults are the ones the code applies when run without them', () => {
    const defaults = Object.fromEntries(Object.entries(manifest.inputs).filter(([, input]) => input.default !== undefined).map(([name, input]) => [name, input.default]))
    expect(defaults).toEqual({
      status: '${{ github.event.deployment_status.state || job.status }}',
      channel: 'deploy',
      'parse-mode': 'html',
      'disable-notification': 'false',
      notify: 'failure',
      'link-preview': 'false',
      'protect-content': 'false',
      'dry-run': 'false',
      timeout: '10',
      deadline: '45',
      'fail-on-error': 'false',
      'throttle-seconds': '0',
      'max-bytes': '50000000',
    })
    // The shared ones, as the code reads blank inputs (channel and fail-on-error: see message and failures tests).
    expect(parseDeployOptions({status: 'success'}, String)).toMatchObject({
      parseMode: 'HTML',
      silent: false,
      throttleSeconds: 0,
      notify: 'failure',
      linkPreview: false,
      protect: false,
      dryRun: false,
      deadlineSeconds: 45,
      maxUploadBytes: 50_000_000,
    })
    expect(DEFAULT_TIMEOUT_SECONDS).toBe(10)
  })

  it('declares the outputs it sets, and runs the committed bundle on node24', () => {
    expect(Object.keys(manifest.outputs)).toEqual(['message-ids', 'chat-ids', 'status'])
    expect(manifest.runs).toEqual({using: 'node24', main: 'dist/action/index.js'})
    expect(existsSync(resolve(ROOT, manifest.runs.main))).toBe(true)
  })
})

describe('the Marketplace publish form', () => {
  it('description: under 125 characters, one line', () => {
    expect(manifest.description.length).toBeLessThan(125)
    expect(manifest.description).not.toContain('\n')
  })

  it('name: ours alone, not a generic one another action or user holds', () => {
    expect(manifest.name).toBe('FastPay Telegram deploy notice')
    expect(TAKEN_NAMES).not.toContain(manifest.name.toLowerCase())
  })

  it('branding: an icon and a colour from GitHub\'s lists', () => {
    expect(BRANDING_COLORS).toHaveLength(9)
    expect(BRANDING_COLORS).toContain(manifest.branding.color)
    expect(BRANDING_ICONS.has(manifest.branding.icon)).toBe(true)
    expect(manifest.branding).toEqual({icon: 'send', color: 'blue'})
  })

  it('every input says what it does', () => {
    const undocumented = Object.entries(manifest.inputs).filter(([, input]) => typeof input.description !== 'string' || input.description.trim() === '')
    expect(undocumented).toEqual([])
  })
})
