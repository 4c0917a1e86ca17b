#!/usr/bin/tclsh8.6
# mysqltclpipe - a Tcl program using mysqltcl (an extension linked with the
# client library), with no knowledge of the shim.  Driven one line at a time
# like sqlpipe:
#
#   SQL   OK rows=<n> first=<v|NULL|->  /  OK affected=<n>  /  ERR <err> <message>
#
# Options: --host H --port P --socket S --user U --password P --database D
package require mysqltcl

set opts {}
foreach {key value} $argv {
    switch -- $key {
        --host { lappend opts -host $value }
        --port { lappend opts -port $value }
        --socket { lappend opts -socket $value }
        --user { lappend opts -user $value }
        --password { lappend opts -password $value }
        --database { lappend opts -db $value }
    }
}
fconfigure stdout -buffering line

# sel for statements that return rows, exec (affected rows) for the rest.
proc run {db sql} {
    if {![regexp -nocase {^\s*(SELECT|SHOW|WITH|VALUES|TABLE)\y} $sql]} {
        return "OK affected=[::mysql::exec $db $sql]"
    }
    ::mysql::sel $db $sql
    set count 0
    set first -
    while {[set row [::mysql::fetch $db]] ne {}} {
        if {$count == 0} {
            set first [lindex $row 0]
            if {[::mysql::isnull $first]} { set first NULL }
        }
        incr count
    }
    return "OK rows=$count first=$first"
}

if {[catch {::mysql::connect {*}$opts} db]} {
    puts "CONNECT_ERR $::mysqlstatus(code) [string map {\n { }} $db]"
    exit 2
}
while {[gets stdin line] >= 0} {
    if {[catch {run $db $line} reply]} {
        # mysqltcl keeps the handle's error number in ::mysqlstatus(code).
        set code $::mysqlstatus(code)
        set reply "ERR $code [string map {\n { }} $reply]"
    }
    puts $reply
}
::mysql::close $db
