select	count(*)
from	t
where	a=@b