"""Login counters in Redis (REDIS_URL): the store's semantics (``throttle_store``), one script.

Each counter is a hash (``failures``, ``start``, and for the pair ``blocked``: milliseconds of
Redis's clock, so instances with skewed clocks agree) that expires when its window ends, as
the store's rows are pruned. A reservation is one Lua script over the three keys: it reads
them all, and either raises every counter (a counter under its limit) or changes none and
returns the longest wait, atomically, like the store's transaction. A success is a second
script. Redis errors reach the caller as RedisUnavailable (``throttle.FallbackCounters``).
"""

from __future__ import annotations

import math

from ..shared import RedisLink
from .throttle import Reservation, Throttled, ThrottlePolicy, normalised, subjects

SCOPES = ("pair", "user", "addr")

#: KEYS: pair, user, addr. ARGV: window, max_failures, username limit, address limit, then
#: the lockout delays (ms). Returns {1, the pair's failures} or {0, ms to wait}.
_RESERVE = """
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local window, max_failures = tonumber(ARGV[1]), tonumber(ARGV[2])
local limits = {0, tonumber(ARGV[3]), tonumber(ARGV[4])}
local delays = {}
for i = 5, #ARGV do delays[#delays + 1] = tonumber(ARGV[i]) end
local failures, start, blocked = {}, {}, {}
local throttled, wait = false, 0
for i = 1, 3 do
  local row = redis.call('HMGET', KEYS[i], 'failures', 'start', 'blocked')
  local count, since, till = tonumber(row[1]), tonumber(row[2]), tonumber(row[3])
  if i == 1 then
    if count and till and till > now then
      throttled, wait = true, math.max(wait, till - now)
    else
      failures[i], start[i] = (count or 0) + 1, now
      if failures[i] >= max_failures then
        blocked[i] = now + delays[math.min(failures[i] - max_failures + 1, #delays)]
      end
    end
  elseif count and count >= limits[i] then
    throttled, wait = true, math.max(wait, since + window - now)
  else
    failures[i], start[i] = (count or 0) + 1, since or now
  end
end
if throttled then return {0, string.format('%d', wait)} end
for i = 1, 3 do
  redis.call('HSET', KEYS[i], 'failures', failures[i], 'start', string.format('%d', start[i]))
  if blocked[i] then
    redis.call('HSET', KEYS[i], 'blocked', string.format('%d', blocked[i]))
  else
    redis.call('HDEL', KEYS[i], 'blocked')
  end
  redis.call('PEXPIREAT', KEYS[i], string.format('%d', start[i] + window))
end
return {1, failures[1]}
"""

#: KEYS: pair, user, addr. ARGV[1]: '1' when the address had failed for the username.
_SUCCEEDED = """
redis.call('DEL', KEYS[1])
local give_back = {KEYS[3]}
if ARGV[1] == '1' then give_back[2] = KEYS[2] else redis.call('DEL', KEYS[2]) end
for _, key in ipairs(give_back) do
  if redis.call('EXISTS', key) == 1 then redis.call('HINCRBY', key, 'failures', -1) end
end
return 1
"""


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class RedisCounters:
    def __init__(self, link: RedisLink, policy: ThrottlePolicy) -> None:
        self.link = link
        self._reserve = link.script(_RESERVE)
        self._succeeded = link.script(_SUCCEEDED)
        self._arguments = [
            _ms(policy.window.total_seconds()),
            policy.max_failures,
            policy.username_max_failures,
            policy.address_max_failures,
            *(_ms(delay.total_seconds()) for delay in policy.delays()),
        ]

    def _keys(self, username: str, addr: str) -> list[str]:
        named = subjects(username, addr)
        return [self.link.key("throttle", scope, named[scope]) for scope in SCOPES]

    async def reserve(self, username: str, addr: str) -> Reservation:
        keys = self._keys(username, addr)
        reserved, value = await self.link.call(
            "throttle", lambda _: self._reserve(keys, self._arguments)
        )
        if not int(reserved):
            raise Throttled(max(1, math.ceil(int(value) / 1000)))
        return Reservation(
            normalised(username), addr, address_had_failed=int(value) > 1, counted_in="redis"
        )

    async def succeeded(self, reservation: Reservation) -> None:
        keys = self._keys(reservation.username, reservation.addr)
        had_failed = "1" if reservation.address_had_failed else "0"
        await self.link.call("throttle", lambda _: self._succeeded(keys, [had_failed]))
