#!/usr/bin/perl
# dbipipe - a Perl DBI program (DBD::mysql or DBD::MariaDB) with no knowledge
# of the shim, driven one line at a time like sqlpipe:
#
#   SQL          OK rows=<n> first=<v|NULL|->  /  OK affected=<n>  /  ERR <err> <errstr>
#   \commit \rollback                              OK / ERR <err> <errstr>
#
# It runs as most DBI programs do: RaiseError => 1, AutoCommit => 0, and
# takes the error from DBI ($DBI::err, $DBI::errstr), never a return code.
use strict;
use warnings;
use DBI;
use Getopt::Long;

my %o = (driver => 'mysql', database => '');
GetOptions(\%o, 'driver=s', 'host=s', 'port=i', 'socket=s', 'user=s', 'password=s',
	   'database=s') or die "usage: dbipipe --driver mysql|MariaDB --host H ...\n";
my $prefix = $o{driver} eq 'MariaDB' ? 'mariadb' : 'mysql';
my $dsn = "DBI:$o{driver}:database=$o{database}";
$dsn .= ";host=$o{host}" if defined $o{host};
$dsn .= ";port=$o{port}" if defined $o{port};
$dsn .= ";${prefix}_socket=$o{socket}" if defined $o{socket};

$| = 1;
my $dbh = eval {
	DBI->connect($dsn, $o{user}, $o{password},
		     {RaiseError => 1, PrintError => 0, AutoCommit => 0});
};
if (!$dbh) {
	my $err = $DBI::errstr // $@;
	$err =~ s/\s+/ /g;
	print "CONNECT_ERR ", ($DBI::err // 0), " $err\n";
	exit 2;
}

sub run_line {
	my ($line) = @_;
	return $dbh->commit ? "OK" : "NOERR" if $line eq '\\commit';
	return $dbh->rollback ? "OK" : "NOERR" if $line eq '\\rollback';
	my $sth = $dbh->prepare($line);
	$sth->execute;
	return "OK affected=" . $sth->rows unless $sth->{NUM_OF_FIELDS};
	my $rows = $sth->fetchall_arrayref;
	my $first = !@$rows ? '-' : defined $rows->[0][0] ? $rows->[0][0] : 'NULL';
	return "OK rows=" . scalar(@$rows) . " first=$first";
}

while (my $line = <STDIN>) {
	chomp $line;
	my $reply = eval { run_line($line) };
	if (!defined $reply) {
		# RaiseError: the error DBI read from the handle.
		my $err = $DBI::errstr // '';
		$err =~ s/\s+/ /g;
		$reply = "ERR " . ($DBI::err // 0) . " $err";
	}
	print "$reply\n";
}
$dbh->disconnect;
