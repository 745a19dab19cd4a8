import {Flags} from '@oclif/core'

/** `--metrics HOST:PORT`: Prometheus metrics on a listener of their own (off by default). */
export const metricsFlag = Flags.string({
  description: 'Serve Prometheus metrics at http://HOST:PORT/metrics, a port of its own (e.g. 127.0.0.1:9464). Off by default.',
  helpValue: 'HOST:PORT',
})

/** `--metrics-file PATH`: the same metrics for node_exporter's textfile collector. */
export const metricsFileFlag = Flags.string({
  description: "Write Prometheus metrics to PATH (atomically) for node_exporter's textfile collector; counters carry over from the file.",
  helpValue: 'PATH',
})

/** `--html FILE`: a self-contained status page (no script, nothing fetched), written atomically. */
export const htmlFlag = Flags.string({
  description: 'Write the status page to FILE: one self-contained HTML file (no script, nothing fetched), replaced atomically.',
  helpValue: 'FILE',
})
