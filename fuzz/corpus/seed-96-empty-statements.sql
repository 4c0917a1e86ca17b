SELECT 1;
;
/* c */;
-- x
SELECT 2;