import {connect} from 'node:net'

import type {TcpCheck} from '../check-spec.js'
import {type CheckOutcome, fail, pass} from '../check-result.js'
import {describeNetworkError} from './network-error.js'

/** Opens a TCP connection and closes it at once: the port accepts connections, or it does not. */
export function runTcpCheck(check: TcpCheck, signal: AbortSignal): Promise<CheckOutcome> {
  return new Promise((resolve, reject) => {
    const socket = connect({host: check.host, port: check.port})
    const stop = () => {
      socket.destroy()
      reject(signal.reason)
    }
    signal.addEventListener('abort', stop, {once: true})
    socket.once('connect', () => {
      signal.removeEventListener('abort', stop)
      socket.destroy()
      resolve(pass('connected'))
    })
    socket.once('error', (error) => {
      signal.removeEventListener('abort', stop)
      socket.destroy()
      resolve(fail(describeNetworkError(error, `${check.host}:${check.port}`)))
    })
  })
}
