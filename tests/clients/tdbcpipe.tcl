#!/usr/bin/tclsh8.6
# tdbcpipe - a Tcl program using tdbc::mysql, which loads the client library
# with dlopen and calls every function through dlsym()ed pointers.  Driven
# one line at a time like sqlpipe:
#
#   SQL   OK rows=<n> first=<v|NULL|->  /  OK affected=<n>  /  ERR <err> <message>
#
# Options: -host H -port P -socket S -user U -password P -database D
package require tdbc::mysql

set opts {}
foreach {key value} $argv {
    switch -- $key {
        --host { lappend opts -host $value }
        --port { lappend opts -port $value }
        --socket { lappend opts -socket $value }
        --user { lappend opts -user $value }
        --password { lappend opts -password $value }
        --database { lappend opts -database $value }
    }
}
fconfigure stdout -buffering line

proc describe {db sql} {
    set stmt [$db prepare $sql]
    try {
        set rs [$stmt execute]
        try {
            if {[$rs columns] eq {}} {
                return "OK affected=[$rs rowcount]"
            }
            set rows [$rs allrows -as lists]
            if {[llength $rows] == 0} {
                set first -
            } else {
                set first [lindex $rows 0 0]
                if {$first eq {}} { set first NULL }
            }
            return "OK rows=[llength $rows] first=$first"
        } finally {
            $rs close
        }
    } finally {
        $stmt close
    }
}

if {[catch {tdbc::mysql::connection create db {*}$opts} err]} {
    puts "CONNECT_ERR 0 [string map {\n { }} $err]"
    exit 2
}
while {[gets stdin line] >= 0} {
    if {[catch {describe db $line} reply opts2]} {
        set code [lindex [dict get $opts2 -errorcode] end]
        set reply "ERR $code [string map {\n { }} $reply]"
    }
    puts $reply
}
db close
