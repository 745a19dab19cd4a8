import {LuaScript} from './lua-script.js'

// One hash per throttle key, the same state FileThrottle keeps in its file: lastSentAt, sendId, supCount and
// supSince (the alerts held back since the last send), prev* (what the last send replaced, for release) and
// mutedUntil. Times are epoch ms, passed as strings and stored as given. Every change happens inside one script,
// so that hosts racing for a key are served one at a time by Redis itself.

// Keeps a key for `retention` after its window or mute ends: a count of suppressed alerts stays for the next send.
const EXPIRE = `
local function expire(key, now, windowMs, mutedUntil, retentionMs)
  local holdMs = windowMs
  if mutedUntil and mutedUntil - now > holdMs then holdMs = mutedUntil - now end
  redis.call('PEXPIRE', key, math.floor(holdMs + retentionMs))
end
`

/**
 * KEYS[1] state. ARGV now, windowMs, sendId, retentionMs, mode ('1' peek: record nothing; '2' tentative: record a
 * held-back alert, but not a send, which the caller commits later with mode '0').
 * Returns {1, supCount|nil, supSince|nil} when the alert goes through, {0, supCount, supSince, lastSentAt|nil,
 * mutedUntil|nil} when it is held back.
 */
export const DECIDE = new LuaScript(`${EXPIRE}
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local peek = ARGV[5] == '1'
local tentative = ARGV[5] == '2'
local s = redis.call('HMGET', KEYS[1], 'lastSentAt', 'supCount', 'supSince', 'mutedUntil')
local last, count, since, muted = tonumber(s[1]), tonumber(s[2]), tonumber(s[3]), tonumber(s[4])
local isMuted = muted ~= nil and now < muted
-- Measured both ways, as in FileThrottle: a clock set back must not hold alerts back until it catches up.
local inWindow = last ~= nil and math.abs(now - last) < windowMs
if isMuted or inWindow then
  count = (count or 0) + 1
  local sinceText = s[3]
  if since == nil or now < since then sinceText = ARGV[1]; since = now end
  if not peek then
    redis.call('HSET', KEYS[1], 'supCount', count, 'supSince', sinceText)
    expire(KEYS[1], now, windowMs, muted, tonumber(ARGV[4]))
  end
  return {0, count, since, last or false, muted or false}
end
if not peek and not tentative then
  redis.call('HSET', KEYS[1], 'lastSentAt', ARGV[1], 'sendId', ARGV[3],
    'prevLastSentAt', s[1] or '', 'prevSupCount', s[2] or '', 'prevSupSince', s[3] or '')
  redis.call('HDEL', KEYS[1], 'supCount', 'supSince', 'mutedUntil')
  expire(KEYS[1], now, windowMs, nil, tonumber(ARGV[4]))
end
return {1, count or false, since or false}
`)

/** KEYS[1] state. ARGV sendId. Gives the window of that send back, adding up the suppressed counts. Returns 1 if it did. */
export const RELEASE = new LuaScript(`
local s = redis.call('HMGET', KEYS[1], 'sendId', 'prevLastSentAt', 'prevSupCount', 'prevSupSince', 'supCount', 'supSince')
if s[1] ~= ARGV[1] then return 0 end
local count = (tonumber(s[3]) or 0) + (tonumber(s[5]) or 0)
local since = s[4]
if since == false or since == '' or (tonumber(s[6]) and tonumber(s[6]) < tonumber(since)) then since = s[6] end
redis.call('HDEL', KEYS[1], 'sendId', 'prevLastSentAt', 'prevSupCount', 'prevSupSince', 'supCount', 'supSince')
if s[2] == false or s[2] == '' then redis.call('HDEL', KEYS[1], 'lastSentAt')
else redis.call('HSET', KEYS[1], 'lastSentAt', s[2]) end
if count > 0 then redis.call('HSET', KEYS[1], 'supCount', count, 'supSince', since) end
return 1
`)

/** KEYS[1] state. ARGV untilMs, now, retentionMs. A time not after now lifts the mute. */
export const MUTE = new LuaScript(`${EXPIRE}
local untilMs, now = tonumber(ARGV[1]), tonumber(ARGV[2])
if untilMs > now then
  redis.call('HSET', KEYS[1], 'mutedUntil', ARGV[1])
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < untilMs - now + tonumber(ARGV[3]) then expire(KEYS[1], now, 0, untilMs, tonumber(ARGV[3])) end
else
  redis.call('HDEL', KEYS[1], 'mutedUntil')
end
return 1
`)

/** KEYS[1] state. ARGV lastSentAt, windowMs, retentionMs, now. Opens the window of an alert written down before its run died. */
export const OPEN_WINDOW = new LuaScript(`${EXPIRE}
redis.call('HSET', KEYS[1], 'lastSentAt', ARGV[1])
expire(KEYS[1], tonumber(ARGV[4]), tonumber(ARGV[2]), nil, tonumber(ARGV[3]))
return 1
`)
