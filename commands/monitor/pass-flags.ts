import {Flags} from '@oclif/core'

/** The flags `monitor run` and `monitor watch` share: where the checks and their state are, and how a pass runs. */
export const passFlags = {
  file: Flags.string({description: 'Monitors file, or a directory of .yml files (default: monitors.yml next to the bots registry).', env: 'FASTPAY_TG_MONITORS'}),
  'state-dir': Flags.string({description: 'Where check states, history, throttle and outbox live.', env: 'FASTPAY_TG_STATE_DIR'}),
  concurrency: Flags.integer({description: 'Checks in flight at once (default: the file\'s concurrency, else 50).', min: 1}),
  host: Flags.string({description: 'This host\'s name in a fleet sharing a Redis store (default: FASTPAY_TG_HOST, else the machine name).'}),
}

