-- wrk script: POST survey responses, each with a new client UUID (so each is stored).
-- SURVEY, Q_MAP, Q_CHOICE, Q_TEXT, CATEGORY, OPTION, COOKIE and TOKEN come from the environment.
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

function init(args)
  math.randomseed(os.time() + tid * 7919)
end

local function uuid()
  local t = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (t:gsub("[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

request = function()
  counter = counter + 1
  local lon = 17.941 + math.random() * 0.018
  local lat = 59.2155 + math.random() * 0.009
  local body = string.format(
    '{"client_id":"%s","language":"sv","answers":[' ..
    '{"question_id":%s,"features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},' ..
    '"properties":{"category":%s,"comment":"Otryggt vid tunneln"}}]},' ..
    '{"question_id":%s,"value":%s},{"question_id":%s,"value":"Fler bänkar, tack."}]}',
    uuid(), os.getenv("Q_MAP"), lon, lat, os.getenv("CATEGORY"), os.getenv("Q_CHOICE"),
    os.getenv("OPTION"), os.getenv("Q_TEXT"))
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Accept"] = "application/json"
  headers["Cookie"] = os.getenv("COOKIE")
  headers["X-CSRFToken"] = os.getenv("TOKEN")
  return wrk.format("POST", "/api/v1/surveys/" .. os.getenv("SURVEY") .. "/responses", headers, body)
end
