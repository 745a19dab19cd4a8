import {Args, Flags} from '@oclif/core'

import type {ForgottenCheck} from '../../src/monitor/forget-checks.js'
import {BaseCommand} from '../base-command.js'

export interface MonitorForgetResult {
  forgotten: ForgottenCheck[]
  warnings: string[]
}

export default class MonitorForget extends BaseCommand<typeof MonitorForget, MonitorForgetResult> {
  static override summary = 'Remove the state of checks no longer monitored.'
  static override description = `A check taken out of the monitors file (or a monitor exec job retired) keeps its state: monitor status lists it as not in the monitors file, the status page and health count it while it is down, and a pending alert of it stays pending. This removes each named check's status and pending alert, under the state lock as passes take it (it waits for a running pass), on the configured store (the state dir, or Redis for a fleet). The history stays: digests and the status page's recent incidents still tell what happened. All or nothing: a name the state does not know is exit 2 and nothing is changed. A check still in a monitors file comes back at its next pass.`

  static override examples = ['<%= config.bin %> monitor forget old-api', '<%= config.bin %> monitor forget old-api nightly-backup --json']

  static override strict = false
  static override args = {name: Args.string({description: 'A check the monitor state knows (monitor status lists them); repeatable.', required: true})}

  static override flags = {
    'state-dir': Flags.string({description: 'Where check states live.', env: 'FASTPAY_TG_STATE_DIR'}),
  }

  public async run(): Promise<MonitorForgetResult> {
    const {flags} = this
    const [{forgetChecks, forgetLines}, {openMonitorRuntime}, {UserError}] = await Promise.all([
      import('../../src/monitor/forget-checks.js'),
      import('../../src/monitor/runtime.js'),
      import('../../src/user-error.js'),
    ])
    const names = this.positionals
    const runtime = await openMonitorRuntime({...this.botOptions, stateDir: flags['state-dir'], onWarning: (line) => this.warnLine(line)})
    let result
    try {
      // A password Redis refuses: this host's files are not the fleet's state (exit 2), as for monitor status.
      const refusal = await runtime.refusal()
      if (refusal !== undefined) throw new UserError(refusal)
      result = await forgetChecks(runtime.store, names, {debug: this.debugLine})
    } finally {
      await runtime.close()
    }
    for (const warning of result.warnings) this.warnLine(warning)
    for (const line of forgetLines(result.forgotten, Date.now())) this.log(line)
    return result
  }
}
