-- Emails sent per UTC day from one UTC midnight to another, zero-filled so a quiet day shows
-- as a gap in the chart. An order served by another order's email is not a second email.
--
-- $1 store: one store, or null
-- $2 fromDay: the first day (a UTC midnight)
-- $3 toDay: the last day (a UTC midnight)
--
-- Returns one row per day: day (YYYY-MM-DD), count.
WITH sent AS (
  SELECT date_trunc('day', sent_at AT TIME ZONE 'UTC') AS day, count(*)::int AS n
    FROM cross_sells
   WHERE sent_at IS NOT NULL AND served_by IS NULL
     AND sent_at >= $2::timestamptz AND sent_at < $3::timestamptz + interval '1 day'
     AND ($1::text IS NULL OR store = $1)
   GROUP BY 1
)
SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(sent.n, 0) AS count
  FROM generate_series($2::timestamptz AT TIME ZONE 'UTC', $3::timestamptz AT TIME ZONE 'UTC', interval '1 day') AS d(day)
  LEFT JOIN sent ON sent.day = d.day
 ORDER BY d.day;
