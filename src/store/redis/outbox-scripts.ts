import {LuaScript} from './lua-script.js'

// The Redis outbox, per bot: a stream of entry ids read through the consumer group `senders` (each flushing
// process is a consumer), a hash entry id -> entry JSON (the entry as it stands: a partial delivery rewrites its
// chats), and a hash entry id -> consumer delivering it now. A set lists the bots with entries. Each step below is
// one script, so that no crash between two commands leaves an entry half moved.

export const GROUP = 'senders'

/**
 * KEYS stream, entries, bots, adopted marker. ARGV entry id, entry JSON, bot, adopt ('1': only once per entry id,
 * remembered for ARGV[5] ms). Returns 1 when added, 0 when this entry was adopted before.
 */
export const SPOOL = new LuaScript(`
if ARGV[4] == '1' then
  if not redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[5]) then return 0 end
end
-- From id 0, so that the group sees every entry ever added; BUSYGROUP just means it exists.
redis.pcall('XGROUP', 'CREATE', KEYS[1], '${GROUP}', '0', 'MKSTREAM')
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('XADD', KEYS[1], '*', 'id', ARGV[1])
redis.call('SADD', KEYS[3], ARGV[3])
return 1
`)

/**
 * KEYS stream, entries, bots, holders. ARGV entry id, entry JSON, bot, consumer. Adds an entry written ahead of its
 * first delivery, held by the consumer that delivers it: pending in its name (XCLAIM FORCE), so that it is taken
 * over like any claim when that consumer dies. Returns the stream id.
 */
export const HOLD = new LuaScript(`
redis.pcall('XGROUP', 'CREATE', KEYS[1], '${GROUP}', '0', 'MKSTREAM')
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local streamId = redis.call('XADD', KEYS[1], '*', 'id', ARGV[1])
redis.call('SADD', KEYS[3], ARGV[3])
redis.call('XCLAIM', KEYS[1], '${GROUP}', ARGV[4], 0, streamId, 'FORCE', 'JUSTID')
redis.call('HSET', KEYS[4], ARGV[1], ARGV[4])
return streamId
`)

/** KEYS stream, holders. ARGV stream id, entry id, consumer. Renews the consumer's claim (idle back to 0) if still its own. */
export const RENEW = new LuaScript(`
if redis.call('HGET', KEYS[2], ARGV[2]) ~= ARGV[3] then return 0 end
redis.call('XCLAIM', KEYS[1], '${GROUP}', ARGV[3], 0, ARGV[1], 'JUSTID')
return 1
`)

/**
 * KEYS entries, holders. ARGV entry id, entry JSON, consumer. Rewrites an entry its consumer is delivering (a chat
 * Telegram accepted taken off), only while it is still that consumer's. Returns 1 when written.
 */
export const REWRITE_HELD = new LuaScript(`
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`)

/**
 * KEYS stream. ARGV consumer, idle ms. Makes every entry pending with a consumer known to be dead look given back,
 * so that the next claim takes it over at once. Returns how many.
 */
export const GIVE_BACK_DEAD = new LuaScript(`
local pending = redis.call('XPENDING', KEYS[1], '${GROUP}', '-', '+', 1000, ARGV[1])
for _, item in ipairs(pending) do
  redis.call('XCLAIM', KEYS[1], '${GROUP}', ARGV[1], 0, item[1], 'IDLE', ARGV[2], 'JUSTID')
end
return #pending
`)

/** KEYS entries, holders, set-aside. ARGV entry id. Moves an unreadable entry's document aside; its stream entry is acknowledged when next read. */
export const SET_ASIDE_DOCUMENT = new LuaScript(`
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], json)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`)

/**
 * KEYS stream, entries, holders. ARGV consumer, min idle ms, cursor. With a cursor, takes over the oldest entry
 * pending longer than min idle (XAUTOCLAIM: its consumer died, or gave it back); with '' reads the next new one. A
 * new one held by the alert that wrote it goes back to that holder: {next cursor, false} (skip it).
 * Returns {next cursor} when there is none, else {next cursor, stream id, entry id, JSON or nil, previous holder or nil}.
 */
export const CLAIM = new LuaScript(`
local nextCursor, streamId, fields = '', nil, nil
if ARGV[3] ~= '' then
  local reply = redis.call('XAUTOCLAIM', KEYS[1], '${GROUP}', ARGV[1], ARGV[2], ARGV[3], 'COUNT', 1)
  nextCursor = reply[1]
  local entry = reply[2][1]
  if entry then streamId, fields = entry[1], entry[2] end
else
  local reply = redis.call('XREADGROUP', 'GROUP', '${GROUP}', ARGV[1], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
  if reply then
    local entry = reply[1][2][1]
    if entry then streamId, fields = entry[1], entry[2] end
  end
end
if not streamId then return {nextCursor} end
local entryId = fields[2]
local json = redis.call('HGET', KEYS[2], entryId)
local previous = redis.call('HGET', KEYS[3], entryId)
if ARGV[3] == '' and previous then
  -- Read as new, yet held: written ahead by an alert that delivers it itself. Its claim stays its holder's.
  redis.call('XCLAIM', KEYS[1], '${GROUP}', previous, 0, streamId, 'JUSTID')
  return {nextCursor, false}
end
redis.call('HSET', KEYS[3], entryId, ARGV[1])
return {nextCursor, streamId, entryId, json, previous}
`)

/**
 * KEYS stream, entries, holders, bots, and optionally the delivered mark of the entry's throttle key. ARGV stream id,
 * entry id, bot, and with the mark: its time (epoch ms) and how long it is kept (ms). Telegram took it: gone for good.
 * The mark is set in the same step (never older than it was), so that pendingSince sees the entry or its mark.
 */
const ACK_SOURCE = `
if KEYS[5] then
  local marked = tonumber(redis.call('GET', KEYS[5]))
  if not marked or marked < tonumber(ARGV[4]) then redis.call('SET', KEYS[5], ARGV[4], 'PX', ARGV[5]) end
end
redis.call('XACK', KEYS[1], '${GROUP}', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
if redis.call('HLEN', KEYS[2]) == 0 then redis.call('SREM', KEYS[4], ARGV[3]) end
return 1
`
export const ACK = new LuaScript(ACK_SOURCE)

/**
 * KEYS and ARGV as ACK, then ARGV[6] the consumer that held the entry. ACK for an entry its holder finished while
 * Redis was unreachable (see SettlementFiles): only while that consumer still holds it, since another that took it
 * over meanwhile owns it now. Returns 1 when removed, 0 when not held by that consumer (or gone).
 */
export const SETTLE = new LuaScript(`
if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[6] then return 0 end${ACK_SOURCE}`)

/**
 * KEYS stream, entries, holders. ARGV stream id, entry id, entry JSON, consumer, idle ms. Keeps the entry for
 * the chats still waiting and gives it back: pending, but idle for so long that the next flush anywhere takes it
 * over at once, before newer entries, so that the order holds. Returns 0, changing nothing, when another consumer
 * took the entry over meanwhile (this one was presumed dead): the entry is theirs now.
 */
export const GIVE_BACK = new LuaScript(`
if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[4] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HDEL', KEYS[3], ARGV[2])
redis.call('XCLAIM', KEYS[1], '${GROUP}', ARGV[4], 0, ARGV[1], 'IDLE', ARGV[5], 'JUSTID')
return 1
`)

/** KEYS stream, entries, holders, bots, set-aside. ARGV stream id, entry id, bot. Moves an unreadable entry aside. */
export const SET_ASIDE = new LuaScript(`
local json = redis.call('HGET', KEYS[2], ARGV[2])
if json then redis.call('HSET', KEYS[5], ARGV[2], json) end
redis.call('XACK', KEYS[1], '${GROUP}', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
if redis.call('HLEN', KEYS[2]) == 0 then redis.call('SREM', KEYS[4], ARGV[3]) end
return 1
`)

/**
 * KEYS stream. ARGV consumer, idle ms. Removes consumers that hold nothing: this one, and any other idle for
 * longer than ARGV[2] (a process long gone). A consumer that reads again is created again.
 */
export const SWEEP_CONSUMERS = new LuaScript(`
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], '${GROUP}')
if type(consumers) ~= 'table' or consumers.err then return 0 end
local removed = 0
for _, info in ipairs(consumers) do
  local fields = {}
  for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
  if fields.pending == 0 and (fields.name == ARGV[1] or fields.idle > tonumber(ARGV[2])) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], '${GROUP}', fields.name)
    removed = removed + 1
  end
end
return removed
`)
