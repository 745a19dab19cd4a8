// The fake Bot API on a thread of its own, for bench/webhook-load.mjs: in the load client's thread, the replies it
// answers during serve's runs would slow the client there, and only there. Posts {url} once listening, then
// {replies} (sendMessage answered 200 so far) whenever it grew, at most every 20 ms, and {count} (the same, now) when
// asked by 'count'; 'close' closes it.
import {parentPort, workerData} from 'node:worker_threads'

import {startFakeBotApi} from '../dist/fake-bot-api.js'

const api = await startFakeBotApi(workerData)
let replies = 0
let read = 0
let reported = 0
const report = () => {
  for (; read < api.requests.length; read++) {
    const request = api.requests[read]
    if (request.method === 'sendMessage' && request.status === 200) replies++
  }
  if (replies !== reported) parentPort.postMessage({replies: (reported = replies)})
}
const reporting = setInterval(report, 20)
parentPort.on('message', async (message) => {
  if (message === 'count') {
    report()
    parentPort.postMessage({count: replies})
  }
  if (message !== 'close') return
  clearInterval(reporting)
  report()
  await api.close()
  parentPort.postMessage({closed: true})
  parentPort.close()
})
parentPort.postMessage({url: api.url})
