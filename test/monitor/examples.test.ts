import {resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

import {describeTarget} from '../../src/monitor/check-spec.js'
import {loadMonitors} from '../../src/monitor/load-monitors.js'

const EXAMPLES = resolve(import.meta.dirname, '../../monitors')

describe('the monitors/ example set', () => {
  it('loads as one directory, every check with the settings the README explains', async () => {
    const config = await loadMonitors({path: EXAMPLES, display: 'monitors', explicit: true}, {API_HEALTH_TOKEN: 'example'})
    expect(config.sources).toEqual(['monitors/infra.yml', 'monitors/jobs.yml', 'monitors/telegram.yml', 'monitors/web.yml'])
    expect(config.checks.map((check) => [check.name, describeTarget(check), check.failureThreshold, check.intervalMs / 1000, check.channel])).toEqual([
      ['postgres', 'tcp 10.0.0.5:5432', 2, 60, 'health'],
      ['redis', 'tcp 10.0.0.6:6379', 2, 60, 'health'],
      ['smtp', 'tcp mail.example.com:587', 2, 300, 'health'],
      ['disk-root', `command df -P / | awk 'NR==2 { sub("%", "", $5); print "/ is " $5 "% full"; exit ($5 > 90) }'`, 1, 300, 'health'],
      ['queue-depth', 'command ./scripts/queue-depth.sh --max 1000', 1, 300, 'health'],
      ['nightly-backup-fresh', "command find /var/backups/fastpay -name '*.sql.gz' -mmin -1500 | grep -q .", 1, 1800, 'health'],
      ['telegram-bots', 'telegram every active bot', 2, 900, 'alerts'],
      ['api', 'http GET https://api.example.com/health', 3, 60, 'health'],
      ['api-database', 'http GET https://api.example.com/health/db', 3, 60, 'health'],
      ['admin-login', 'http HEAD https://admin.example.com/login', 3, 60, 'health'],
      ['api-cert', 'tls api.example.com:443', 3, 21_600, 'health'],
    ])
    const database = config.checks.find((check) => check.name === 'api-database')
    expect(database?.type === 'http' && database.headers).toEqual({Authorization: 'Bearer example'})
    const queue = config.checks.find((check) => check.name === 'queue-depth')
    expect(queue?.type === 'command' && queue.cwd).toBe(EXAMPLES)
  })
})
