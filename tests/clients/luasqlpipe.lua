#!/usr/bin/lua5.1
-- luasqlpipe - a Lua program using LuaSQL's MySQL driver (luasql.mysql, an
-- extension module linked with the client library and loaded RTLD_LOCAL by
-- the interpreter), with no knowledge of the shim.  Driven one line at a
-- time like sqlpipe:
--
--   SQL   OK rows=<n> first=<v|NULL|->  /  OK affected=<n>  /  ERR <err> <message>
--
-- LuaSQL reports errors as text only ("LuaSQL: error executing query.
-- MySQL: <the library's message>"): the client library's message for a lost
-- connection is mapped back to its number so the tests can tell it apart.
local driver = require "luasql.mysql"

local opts = {}
for i = 1, #arg, 2 do
  opts[arg[i]:gsub("^%-%-", "")] = arg[i + 1]
end
io.stdout:setvbuf("line")

local function errno_of(message)
  if message:find("Lost connection", 1, true) then return 2013 end
  if message:find("gone away", 1, true) then return 2006 end
  return 0
end

local function describe(conn, sql)
  local cur, err = conn:execute(sql)
  if not cur then
    return string.format("ERR %d %s", errno_of(err), (err:gsub("\n", " ")))
  end
  if type(cur) == "number" then
    return "OK affected=" .. cur
  end
  local rows, first = 0, "-"
  local row = cur:fetch({}, "n")
  while row do
    if rows == 0 then first = row[1] == nil and "NULL" or tostring(row[1]) end
    rows = rows + 1
    row = cur:fetch(row, "n")
  end
  cur:close()
  return string.format("OK rows=%d first=%s", rows, first)
end

local env = assert(driver.mysql())
-- connect(database, user, password, host, port); the socket goes in host's
-- place only as "localhost" plus MYSQL_UNIX_PORT, which the library reads.
local conn, err = env:connect(opts.database, opts.user, opts.password, opts.host,
                              tonumber(opts.port))
if not conn then
  print(string.format("CONNECT_ERR %d %s", errno_of(err), (err:gsub("\n", " "))))
  os.exit(2)
end
for line in io.lines() do
  print(describe(conn, line))
end
conn:close()
env:close()
