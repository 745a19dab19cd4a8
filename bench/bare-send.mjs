// The baseline a shell script would use: one sendMessage with fetch, nothing else.
const [apiRoot, token, chatId, text] = process.argv.slice(2)
const response = await fetch(`${apiRoot}/bot${token}/sendMessage`, {
  method: 'POST',
  headers: {'content-type': 'application/json'},
  body: JSON.stringify({chat_id: chatId, text}),
})
const body = await response.json()
if (!body.ok) throw new Error(body.description)
console.log(body.result.message_id)
