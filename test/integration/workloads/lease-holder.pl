# A process that holds a write lease on a file (fcntl(2) F_SETLEASE, F_WRLCK), as samba and
# others do. Opening that file anywhere breaks the lease and sends this process SIGIO, whose
# default action kills it: a read-only look at the host must never do that.
# Usage: perl lease-holder.pl FILE   (prints {"pid":N,"file":"FILE"} once the lease is held)
use strict;
my ($file) = @ARGV;
open(my $fh, '<', $file) or die "open $file: $!";
fcntl($fh, 1024, 1) or die "F_SETLEASE F_WRLCK on $file: $!";    # F_SETLEASE = 1024, F_WRLCK = 1
$| = 1;
print "{\"pid\":$$,\"file\":\"$file\"}\n";
close(STDOUT);
sleep 3600 while 1;
