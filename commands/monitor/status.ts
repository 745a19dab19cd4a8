import {existsSync} from 'node:fs'

import {Flags} from '@oclif/core'

import type {MonitorState} from '../../src/store/monitor-state.js'
import type {HostView} from '../../src/monitor/fleet/index.js'
import type {StatusRow} from '../../src/monitor/status.js'
import {BaseCommand} from '../base-command.js'
import {htmlFlag} from '../ops-flags.js'

export interface MonitorStatusResult {
  checks: StatusRow[]
  lastPass?: MonitorState['lastPass']
  /** On a shared store: each host's last pass as it saw it. */
  hosts?: HostView[]
  warnings: string[]
}

export default class MonitorStatus extends BaseCommand<typeof MonitorStatus, MonitorStatusResult> {
  static override summary = 'Show the current state of every check.'
  static override description = `Reads the state the last passes left (no check runs): each check's status and since when, its last result, and the last pass. Checks of the monitors file that never ran show as pending; when there is no monitors file at the default place, the checks the state knows are shown alone, with a warning; a file named by --file that is missing, or a file with a mistake, is exit 2. With a Redis store that does not answer, nothing of this host's files is shown as the fleet's: exit 3.`

  static override examples = ['<%= config.bin %> monitor status', '<%= config.bin %> monitor status --json', '<%= config.bin %> monitor status --html /var/www/status/index.html']

  static override flags = {
    file: Flags.string({description: 'Monitors file or directory (default: monitors.yml next to the bots registry).', env: 'FASTPAY_TG_MONITORS'}),
    'state-dir': Flags.string({description: 'Where check states live.', env: 'FASTPAY_TG_STATE_DIR'}),
    html: htmlFlag,
  }

  public async run(): Promise<MonitorStatusResult> {
    const {flags} = this
    const [{monitoredCheckNames, locateMonitors}, fleet, {statusRows, statusTable}, {describeFailure}] = await Promise.all([
      import('../../src/monitor/load-monitors.js'),
      import('../../src/monitor/fleet/index.js'),
      import('../../src/monitor/status.js'),
      import('../../src/describe-failure.js'),
    ])
    const {openMonitorRuntime} = await import('../../src/monitor/runtime.js')
    // The store's warnings wait for the check below: "using the file store until it is back" is not what happens.
    const storeWarnings = this.heldWarnings()
    const runtime = await openMonitorRuntime({...this.botOptions, stateDir: flags['state-dir'], onWarning: storeWarnings.onWarning})
    // This host's files are not the fleet's state: shown as the fleet's, a host that never ran a check said "no
    // checks yet" while the fleet had one down.
    const {fleetStateUnusable} = await import('../../src/store/fleet-state-required.js')
    const unusable = fleetStateUnusable(await runtime.describeShared(), 'the monitor state', 'status')
    if (unusable) {
      await runtime.close()
      throw unusable
    }
    storeWarnings.release()
    // Read once, for the page and the table; from the parse cache while the file is the one `monitor run` read.
    // Names only: status runs no check, so a `${PAY_TOKEN}` the checks send need not be set where it runs (cron).
    const location = locateMonitors(flags.file)
    const monitors = monitoredCheckNames(location, {stateDir: runtime.stateDir, debug: this.debugLine}).then(
      (names) => ({ok: true as const, checks: names.map((name) => ({name}))}),
      (error: unknown) => ({ok: false as const, error}),
    )
    // Only a missing file at the default place leaves the state's checks alone, with a warning: a file that was named
    // (--file, FASTPAY_TG_MONITORS) and is missing, or any file with a mistake, is exit 2 as for monitor run.
    const loadedFirst = await monitors
    if (!loadedFirst.ok && (location.explicit || existsSync(location.path))) {
      await runtime.close()
      throw loadedFirst.error
    }
    const listed = async () => {
      const loaded = await monitors
      return loaded.ok ? loaded.checks : undefined
    }
    let hosts: HostView[] | undefined
    let read
    try {
      read = await runtime.store.readState()
      if (runtime.fleet) hosts = await fleet.readHostViews(runtime.fleet.kv)
      if (flags.html !== undefined) {
        const {statusPageWriter} = await import('../../src/status-page/index.js')
        read.warnings.push(...(await statusPageWriter(flags.html, runtime)(await listed())))
      }
    } finally {
      await runtime.close()
    }
    const {state, warnings} = read
    const loaded = await monitors
    const checks = loaded.ok ? loaded.checks : undefined
    if (!loaded.ok) warnings.push(describeFailure(loaded.error).message)
    for (const warning of warnings) this.warnLine(warning)
    const rows = statusRows(state, checks)
    const now = Date.now()
    for (const line of [...statusTable(rows, state, now), ...fleet.hostViewLines(hosts ?? [], now)]) this.log(line)
    return {checks: rows, ...(state.lastPass ? {lastPass: state.lastPass} : {}), ...(hosts ? {hosts} : {}), warnings}
  }
}
