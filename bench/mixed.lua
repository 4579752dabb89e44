-- Mixed traffic for wrk (bench/wrk.py writes the requests file and runs it):
--
--   wrk -t 2 -c 13 -d 30s --timeout 30s -s bench/mixed.lua http://127.0.0.1:PORT -- FILE 2
--
-- FILE holds tab-separated lines: "#mix  kind  code  weight" for the mix, then one request a
-- line, "kind  method  path  authorization  body". Per request a kind is drawn by weight (a
-- thread's first requests: one of each kind in turn). A GET kind sends one of its requests at
-- random, again and again; a POST kind sends each of its requests once (each a new judgement:
-- sent twice it would be a 409), thread n of N taking every Nth; once a thread has sent all
-- of its share it draws a GET kind instead.
--
-- Each request carries X-Request-ID "wrk.<kind code>.<thread>.<n>", which the service echoes:
-- that is how response() knows the kind it answers (a thread's connections interleave).
-- A response without one (the bare baseline) counts under the mix's only kind. done() prints
-- one JSON line: latency percentiles (microseconds, wrk's own), requests/s, socket errors,
-- and per kind the statuses answered; with WRK_WRITTEN set, the ids of the judgements
-- answered 201 go to that file, one a line.

local threads = {}

function setup(thread)
   thread:set("index", #threads)
   table.insert(threads, thread)
end

local requests = {}   -- kind -> list of {method, path, headers, body}
local once = {}       -- kind -> true when each request is sent once (POST)
local next_of = {}    -- kind -> index of its next unsent request
local code_of = {}    -- kind -> its short code, and code -> kind
local kind_of = {}
local mix = {}        -- list of {kind, cumulative weight}
local reads = {}      -- the mix without the POST kinds
local only = nil      -- the kind, when the mix has one
local made = 0

answered = {}         -- "kind status" -> responses
written = {}          -- ids of judgements answered 201
nonsuccess = 0

local function fields(line)
   local out = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      table.insert(out, field)
   end
   return out
end

local function cumulative(entries)
   local total, out = 0, {}
   for _, entry in ipairs(entries) do
      total = total + entry[2]
      table.insert(out, { entry[1], total })
   end
   for _, entry in ipairs(out) do
      entry[2] = entry[2] / total
   end
   return out
end

function init(args)
   local share, nthreads = 0, tonumber(args[2])
   local weights = {}
   for line in io.lines(args[1]) do
      local f = fields(line)
      if f[1] == "#mix" then
         code_of[f[2]], kind_of[f[3]] = f[3], f[2]
         table.insert(weights, { f[2], tonumber(f[4]) })
      else
         local kind, method, path, authorization, body = f[1], f[2], f[3], f[4], f[5]
         local mine = true
         if method == "POST" then
            once[kind] = true
            mine = share % nthreads == index
            share = share + 1
         end
         if mine then
            local headers = {}
            if authorization ~= "" then headers["Authorization"] = authorization end
            if body == "" then
               body = nil
            else
               headers["Content-Type"] = "application/json"
            end
            requests[kind] = requests[kind] or {}
            table.insert(requests[kind], { method, path, headers, body })
         end
      end
   end
   local read_weights = {}
   for _, entry in ipairs(weights) do
      next_of[entry[1]] = 1
      if not once[entry[1]] then table.insert(read_weights, entry) end
   end
   mix, reads = cumulative(weights), cumulative(read_weights)
   if #weights == 1 then only = weights[1][1] end
   math.randomseed(7919 * (index + 1))
end

local function draw(entries)
   local roll = math.random()
   for _, entry in ipairs(entries) do
      if roll <= entry[2] then return entry[1] end
   end
   return entries[#entries][1]
end

function request()
   if #mix == 0 then return wrk.format() end -- wrk's own check, before init
   -- a thread's first requests are one of each kind, so a short run sends every kind
   local kind = made < #mix and mix[made + 1][1] or draw(mix)
   if once[kind] and next_of[kind] > #(requests[kind] or {}) then kind = draw(reads) end
   local chosen
   if once[kind] then
      chosen = requests[kind][next_of[kind]]
      next_of[kind] = next_of[kind] + 1
   else
      local list = requests[kind]
      chosen = list[math.random(#list)]
   end
   made = made + 1
   chosen[3]["X-Request-ID"] = "wrk." .. code_of[kind] .. "." .. index .. "." .. made
   return wrk.format(chosen[1], chosen[2], chosen[3], chosen[4])
end

function response(status, headers, body)
   local id = headers["x-request-id"] or headers["X-Request-ID"] or ""
   local kind = kind_of[id:match("^wrk%.([^.]+)%.") or ""] or only or "(unattributed)"
   local key = kind .. " " .. status
   answered[key] = (answered[key] or 0) + 1
   if status < 200 or status > 299 then
      nonsuccess = nonsuccess + 1
   elseif once[kind] and status == 201 then
      table.insert(written, body:match('"id"%s*:%s*"([^"]+)"'))
   end
end

local function quote(text)
   return '"' .. tostring(text):gsub('[%c"\\]', "") .. '"'
end

local function object(entries)
   local parts = {}
   for key, value in pairs(entries) do
      table.insert(parts, quote(key) .. ":" .. tostring(value))
   end
   table.sort(parts)
   return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, _)
   local all_answered, ids, bad = {}, {}, 0
   for _, thread in ipairs(threads) do
      for key, n in pairs(thread:get("answered") or {}) do
         all_answered[key] = (all_answered[key] or 0) + n
      end
      for _, id in ipairs(thread:get("written") or {}) do
         table.insert(ids, id)
      end
      bad = bad + (thread:get("nonsuccess") or 0)
   end
   local path = os.getenv("WRK_WRITTEN")
   if path then
      local out = assert(io.open(path, "w"))
      for _, id in ipairs(ids) do out:write(id, "\n") end
      out:close()
   end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(object({
      requests = summary.requests,
      seconds = seconds,
      requests_per_s = summary.requests / seconds,
      p50_us = latency:percentile(50),
      p95_us = latency:percentile(95),
      p99_us = latency:percentile(99),
      max_us = latency.max,
      non_2xx = bad,
      socket_errors = e.connect + e.read + e.write + e.timeout,
      written = #ids,
      answered = object(all_answered),
   }), "\n")
end
