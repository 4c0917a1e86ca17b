#!/usr/bin/python3
"""mysqldbpipe - a Python program using MySQLdb (mysqlclient), with no
knowledge of the shim, driven one line at a time like sqlpipe:

  SQL   OK rows=<n> first=<v|NULL|->  /  OK affected=<n>  /  ERR <err> <message>

It runs as MySQLdb programs do by default: autocommit off, errors raised
as exceptions carrying the handle's errno and message."""
import argparse
import sys

import MySQLdb

parser = argparse.ArgumentParser()
for option in ("host", "socket", "user", "password", "database"):
    parser.add_argument("--" + option, default=None)
parser.add_argument("--port", type=int, default=0)
args = parser.parse_args()

params = {"user": args.user, "passwd": args.password or "", "db": args.database or ""}
if args.host:
    params["host"] = args.host
if args.port:
    params["port"] = args.port
if args.socket:
    params["unix_socket"] = args.socket
try:
    db = MySQLdb.connect(**params)
except MySQLdb.Error as e:
    print("CONNECT_ERR %s %s" % (e.args[0], " ".join(str(e.args[-1]).split())), flush=True)
    sys.exit(2)


def run(line):
    cursor = db.cursor()
    try:
        cursor.execute(line)
        if cursor.description is None:
            return "OK affected=%d" % cursor.rowcount
        rows = cursor.fetchall()
        first = "-" if not rows else ("NULL" if rows[0][0] is None else rows[0][0])
        if isinstance(first, bytes):
            first = first.decode()
        return "OK rows=%d first=%s" % (len(rows), first)
    finally:
        cursor.close()


for line in sys.stdin:
    line = line.rstrip("\n")
    try:
        reply = run(line)
    except MySQLdb.Error as e:
        reply = "ERR %s %s" % (e.args[0], " ".join(str(e.args[-1]).split()))
    print(reply, flush=True)
db.close()
