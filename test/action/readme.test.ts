// The README's Action section is what people copy: its input table is generated from action.yml, and each of its
// workflows uses only inputs that action.yml declares.
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

// @ts-expect-error: a plain ESM script without type declarations
import {actionInputsTable, END_MARKER, START_MARKER} from '../../scripts/action-inputs-table.mjs'

const ROOT = resolve(import.meta.dirname, '../..')
const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8')
const inputs = Object.keys((parse(readFileSync(resolve(ROOT, 'action.yml'), 'utf8')) as {inputs: Record<string, unknown>}).inputs)
const section = readme.slice(readme.indexOf('## GitHub Action\n'), readme.indexOf('### From a shell script'))

/** The YAML blocks of the Action section that are whole workflows (they have `on:` and `jobs:`). */
function workflows(): Array<{on: unknown; jobs: Record<string, {steps: Array<{uses?: string; with?: Record<string, unknown>}>}>}> {
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!)
  return blocks.map((block) => parse(block)).filter((doc) => doc && typeof doc === 'object' && 'jobs' in doc)
}

describe('README: the GitHub Action section', () => {
  it('holds the input table exactly as scripts/action-inputs-table.mjs generates it from action.yml', () => {
    const start = readme.indexOf(START_MARKER)
    const end = readme.indexOf(END_MARKER)
    expect(start).toBeGreaterThan(0)
    const table = readme.slice(start + START_MARKER.length, end).trim()
    expect(table).toBe(actionInputsTable())
    // Every input has its row, once.
    for (const name of inputs) expect(table.split(`| \`${name}\` |`)).toHaveLength(2)
  })

  it('shows complete workflows for push deploys, deployment_status, fork-safe pull request previews, and across jobs', () => {
    const triggers = workflows().map((workflow) => (typeof workflow.on === 'string' ? workflow.on : Object.keys(workflow.on as object)[0]))
    expect(triggers).toEqual(['push', 'deployment_status', 'pull_request', 'push'])
    const [, deployment, preview] = workflows()
    const step = (workflow: (typeof deployment), index = 0) => workflow!.jobs[Object.keys(workflow!.jobs)[0]!]!.steps.filter((s) => s.uses?.startsWith('fastpay/fastpay-tg'))[index]!
    // deployment_status: no status input, the state decides.
    expect(step(deployment).with).not.toHaveProperty('status')
    // Fork-safe: the token is the secret (empty on forks: a warning), and forks get a dry run.
    expect(step(preview).with).toMatchObject({token: '${{ secrets.TELEGRAM_DEPLOY_TOKEN }}', 'dry-run': '${{ github.event.pull_request.head.repo.fork }}'})
  })

  it('every workflow passes only inputs that action.yml declares', () => {
    for (const workflow of workflows()) {
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.startsWith('fastpay/fastpay-tg'))) {
          for (const name of Object.keys(step.with ?? {})) expect(inputs).toContain(name)
        }
      }
    }
  })
})
