// The floor for `send` (issue 15): one sendMessage over node:http, nothing else. Argument `--document PATH` uploads
// the file instead, as a streamed multipart body of known length.
import {createReadStream, statSync} from 'node:fs'
import {request} from 'node:http'

const [apiRoot, token, chatId, text, flag, path] = process.argv.slice(2)
const url = `${apiRoot}/bot${token}/${flag === '--document' ? 'sendDocument' : 'sendMessage'}`

function answer(response) {
  const chunks = []
  response.on('data', (chunk) => chunks.push(chunk))
  response.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString())
    if (!body.ok) throw new Error(body.description)
    console.log(body.result.message_id)
  })
}

if (flag === '--document') {
  const boundary = '----bare-send-boundary'
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n${chatId}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\n${text}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="upload.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const size = statSync(path).size
  const outgoing = request(url, {method: 'POST', headers: {'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + size + tail.length}}, answer)
  outgoing.write(head)
  createReadStream(path)
    .on('end', () => outgoing.end(tail))
    .pipe(outgoing, {end: false})
} else {
  const body = JSON.stringify({chat_id: chatId, text})
  request(url, {method: 'POST', headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)}}, answer).end(body)
}
