#!/usr/bin/ruby
# mysql2pipe - a Ruby program using the mysql2 gem, with no knowledge of the
# shim, driven one line at a time like sqlpipe:
#
#   SQL          OK rows=<n> first=<v|NULL|->  /  OK affected=<n>  /  ERR <err> <message>
#
# mysql2 sends every query with mysql_send_query and reads the answer with
# mysql_read_query_result.  --reconnect sets its `reconnect: true`
# (MYSQL_OPT_RECONNECT).
require 'mysql2'
require 'optparse'

opts = { reconnect: false }
OptionParser.new do |p|
  p.banner = 'usage: mysql2pipe --host H [--port P | --socket S] --user U ' \
             '--password P --database D [--reconnect]'
  p.on('--host H') { |v| opts[:host] = v }
  p.on('--port P', Integer) { |v| opts[:port] = v }
  p.on('--socket S') { |v| opts[:socket] = v }
  p.on('--user U') { |v| opts[:username] = v }
  p.on('--password P') { |v| opts[:password] = v }
  p.on('--database D') { |v| opts[:database] = v }
  p.on('--reconnect') { opts[:reconnect] = true }
end.parse!

$stdout.sync = true
begin
  client = Mysql2::Client.new(opts)
rescue Mysql2::Error => e
  puts "CONNECT_ERR #{e.error_number} #{e.message.gsub(/\s+/, ' ')}"
  exit 2
end

def run_line(client, line)
  result = client.query(line, as: :array)
  return "OK affected=#{client.affected_rows}" if result.nil?
  rows = result.to_a
  first = rows.empty? ? '-' : (rows[0][0].nil? ? 'NULL' : rows[0][0].to_s)
  "OK rows=#{rows.size} first=#{first}"
end

while (line = $stdin.gets)
  line = line.chomp
  reply = begin
    run_line(client, line)
  rescue Mysql2::Error => e
    "ERR #{e.error_number} #{e.message.gsub(/\s+/, ' ')}"
  end
  puts reply
end
client.close
