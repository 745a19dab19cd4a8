// What the doors use: `--metrics HOST:PORT` (a listener) and `--metrics-file PATH` (a textfile). Imported lazily,
// only when one of the two flags is given.
import {describeFailure} from '../describe-failure.js'
import type {PassReport} from '../monitor/run-pass.js'
import type {OutboxStore} from '../store/types.js'
import {UserError} from '../user-error.js'
import {writeMetricsFile} from './metrics-file.js'
import {parseListenAddress, startMetricsServer} from './metrics-server.js'
import {createOpsMetrics, type OpsMetrics} from './ops-metrics.js'

export {writeMetricsFile} from './metrics-file.js'
export {createOpsMetrics, type OpsMetrics, type WebhookUpdateOutcome} from './ops-metrics.js'
export {parseListenAddress} from './metrics-server.js'

export interface ServedMetrics extends OpsMetrics {
  /** `http://127.0.0.1:9464/metrics` */
  url: string
  close(): Promise<void>
}

export interface ServeMetricsOptions {
  /** Its entries are counted at every scrape; asked for each time, since a server may open its store after the metrics. */
  outbox?: () => Pick<OutboxStore, 'list'> | undefined
  /** The port the process serves to the public (webhook serve's --port): never shared with the metrics. */
  publicPort?: {flag: string; port: number}
  logError?: (line: string) => void
}

/** Metrics with process metrics, served at `--metrics HOST:PORT`. */
export async function serveOpsMetrics(flagValue: string, options: ServeMetricsOptions = {}): Promise<ServedMetrics> {
  const address = parseListenAddress(flagValue)
  const {publicPort} = options
  if (publicPort && publicPort.port !== 0 && address.port === publicPort.port) {
    throw new UserError(`--metrics: port ${address.port} is ${publicPort.flag}: metrics need a port of their own, off the public one`)
  }
  const {outbox} = options
  const metrics = createOpsMetrics({processMetrics: true, ...(outbox ? {countOutbox: () => countEntries(outbox())} : {})})
  const server = await startMetricsServer(address, metrics, options.logError)
  return {...metrics, url: server.url, close: server.close}
}

/** Metrics for a textfile: no process metrics (node_exporter exports its own under the same names). */
export function fileOpsMetrics(outbox?: Pick<OutboxStore, 'list'>): OpsMetrics {
  return createOpsMetrics({processMetrics: false, ...(outbox ? {countOutbox: () => countEntries(outbox)} : {})})
}

/**
 * `monitor run --metrics-file`: this pass added to the file. The pass is done and its alerts are out whatever
 * happens here, so a file that cannot be written is a warning line, not a failed run.
 */
export async function writePassMetrics(
  path: string,
  report: Pick<PassReport, 'checks' | 'alerts'>,
  outbox?: Pick<OutboxStore, 'list'>,
  /** Every check of the monitors file: the file keeps no series of others. @default all kept */
  checks?: Iterable<string>,
): Promise<string[]> {
  const metrics = fileOpsMetrics(outbox)
  metrics.recordPass(report)
  try {
    await writeMetricsFile(path, metrics, checks === undefined ? {} : {checks})
    return []
  } catch (error) {
    return [`--metrics-file ${path}: not written: ${describeFailure(error).message}`]
  }
}

/** Undefined (the gauge keeps its value) while there is no outbox to ask. */
async function countEntries(outbox: Pick<OutboxStore, 'list'> | undefined): Promise<number | undefined> {
  return outbox === undefined ? undefined : (await outbox.list()).items.length
}
