import {runInContext, createContext, type Context} from 'node:vm'

// `output-matches` is the monitors file's author's regex against a command's output: a pattern like `^(a+)+$` can
// backtrack for hours. It runs here briefly on the spot, and if that is not enough, in a worker thread that the
// check's deadline terminates: the pass stays on time and the other checks keep running meanwhile.

/** Long enough for any sane pattern on 1 MiB of output; short enough not to stall the other checks. */
const ON_THE_SPOT_MS = 20

let context: Context | undefined

/** Whether `pattern` (multiline) matches `text`; rejects when `signal` aborts first. */
export async function matchesWithinDeadline(pattern: string, text: string, signal: AbortSignal): Promise<boolean> {
  const regex = new RegExp(pattern, 'm')
  context ??= createContext({})
  context.regex = regex
  context.text = text
  try {
    return runInContext('regex.test(text)', context, {timeout: ON_THE_SPOT_MS}) as boolean
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error
  } finally {
    context.regex = undefined
    context.text = undefined
  }
  return inWorker(pattern, text, signal)
}

const WORKER_SOURCE = `
const {parentPort, workerData} = require('node:worker_threads')
parentPort.postMessage(new RegExp(workerData.pattern, 'm').test(workerData.text))
`

async function inWorker(pattern: string, text: string, signal: AbortSignal): Promise<boolean> {
  signal.throwIfAborted()
  const {Worker} = await import('node:worker_threads')
  const worker = new Worker(WORKER_SOURCE, {eval: true, workerData: {pattern, text}, resourceLimits: {maxOldGenerationSizeMb: 64}})
  return new Promise<boolean>((resolve, reject) => {
    const stop = () => {
      void worker.terminate()
      reject(signal.reason)
    }
    signal.addEventListener('abort', stop, {once: true})
    worker.once('message', (matched: boolean) => {
      signal.removeEventListener('abort', stop)
      void worker.terminate()
      resolve(matched)
    })
    worker.once('error', (error) => {
      signal.removeEventListener('abort', stop)
      reject(error)
    })
  })
}
