import {request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {performance} from 'node:perf_hooks'

import type {HttpCheck} from '../check-spec.js'
import {type CheckOutcome, fail, pass} from '../check-result.js'
import {formatSpan} from '../../support/duration.js'
import {valueAtJsonPath} from './json-path.js'
import {describeNetworkError} from './network-error.js'

/** Bodies are read up to this much, then the connection is closed: enough for any health endpoint, bounded for one that streams. */
const MAX_BODY_BYTES = 1024 * 1024

interface HttpAnswer {
  status: number
  statusText: string
  body: string
  latencyMs: number
}

/** Requests the URL once (no redirects followed) and judges the answer by the check's `expect`. */
export async function runHttpCheck(check: HttpCheck, signal: AbortSignal): Promise<CheckOutcome> {
  let answer: HttpAnswer
  try {
    answer = await requestOnce(check, signal)
  } catch (error) {
    if (signal.aborted) throw error
    return fail(describeNetworkError(error))
  }
  return judge(check, answer)
}

function judge(check: HttpCheck, answer: HttpAnswer): CheckOutcome {
  const {expect} = check
  const statusLine = `${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}`
  const statusOk = expect.status ? expect.status.includes(answer.status) : answer.status >= 200 && answer.status < 300
  if (!statusOk) return fail(`status ${statusLine}, expected ${expect.status ? expect.status.join(' or ') : '2xx'}`)
  if (expect.bodyContains !== undefined && !answer.body.includes(expect.bodyContains)) {
    return fail(`status ${statusLine}, but the body does not contain ${JSON.stringify(expect.bodyContains)}`)
  }
  if (expect.jsonPath !== undefined) {
    const problem = jsonProblem(answer.body, expect.jsonPath, expect.jsonEquals)
    if (problem !== undefined) return fail(`status ${statusLine}, but ${problem}`)
  }
  if (expect.maxLatencyMs !== undefined && answer.latencyMs > expect.maxLatencyMs) {
    return fail(`status ${statusLine}, but slow: ${answer.latencyMs}ms, over ${formatSpan(expect.maxLatencyMs)}`)
  }
  return pass(statusLine)
}

function jsonProblem(body: string, path: string, expected: unknown): string | undefined {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return 'the body is not JSON'
  }
  const found = valueAtJsonPath(json, path)
  if (!found.found) return `${path} is not in the body`
  if (expected === undefined || JSON.stringify(found.value) === JSON.stringify(expected)) return undefined
  return `${path} is ${JSON.stringify(found.value)}, expected ${JSON.stringify(expected)}`
}

function requestOnce(check: HttpCheck, signal: AbortSignal): Promise<HttpAnswer> {
  const url = new URL(check.url)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  const started = performance.now()
  return new Promise((resolve, reject) => {
    // A fresh connection each time (agent: false): the check measures what a new client would see. The signal is
    // not handed to request(): that watches the request's stream end to end, about twice what one listener costs.
    const request = send(
      url,
      {
        method: check.method,
        headers: check.headers,
        agent: false,
        rejectUnauthorized: check.tlsVerify,
        ...(check.ca === undefined ? {} : {ca: check.ca}),
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        const answer = () =>
          settle(resolve)({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            body: Buffer.concat(chunks).toString('utf8', 0, Math.min(size, MAX_BODY_BYTES)),
            latencyMs: Math.round(performance.now() - started),
          })
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          size += chunk.length
          // A body that never ends (an event stream, a large download) is judged on what came: reading on until
          // the end would only end at the timeout, a down alert for an endpoint that answered.
          if (size >= MAX_BODY_BYTES) {
            answer()
            request.destroy()
          }
        })
        response.on('error', settle(reject))
        response.on('end', answer)
      },
    )
    const cancel = () => request.destroy(signal.reason instanceof Error ? signal.reason : new Error('cancelled'))
    const settle =
      <T>(done: (value: T) => void) =>
      (value: T) => {
        signal.removeEventListener('abort', cancel)
        done(value)
      }
    request.on('error', settle(reject))
    if (signal.aborted) cancel()
    else signal.addEventListener('abort', cancel, {once: true})
    request.end(check.body)
  })
}
