-- Reference query for bench/assess_bench.sh: the per-party, per-cycle listing
-- evidence of docs/policy.md for every cycle at once, computed by SQLite alone
-- from the incidents table of the embedded store.
--
-- Listing evidence for (party, cycle): incidents of that cycle whose status
-- is verified, whose consent is not withdrawn, with at least one nexus
-- indicator, that name the party with a standard of at least
-- reasonable_grounds. Reported: the number of such incidents, their distinct
-- locations (by lower-cased name) and the span of their dates in days.
--
-- The store keeps perpetrators as "party:standard;party:standard" text; the
-- list is split by turning it into a JSON array for json_each. This query
-- does less than `mara assess`: no roll-up of units to parents, no Unicode
-- folding of location names, no findings, statuses or history.
WITH attributions AS (
  SELECT i.id AS incident,
         substr(j.value, 1, instr(j.value, ':') - 1) AS party,
         substr(j.value, instr(j.value, ':') + 1) AS standard,
         i.date AS date,
         lower(i.location_name) AS location
  FROM incidents AS i,
       json_each('["' || replace(i.perpetrators, ';', '","') || '"]') AS j
  WHERE i.status = 'verified'
    AND i.consent <> 'withdrawn'
    AND i.nexus <> ''
    AND i.violations <> ''
)
SELECT party,
       CAST(substr(date, 1, 4) AS INTEGER) AS cycle,
       count(DISTINCT incident) AS incidents,
       count(DISTINCT location) AS locations,
       CAST(julianday(max(date)) - julianday(min(date)) AS INTEGER) AS span_days
FROM attributions
WHERE standard IN ('reasonable_grounds', 'clear_and_convincing')
GROUP BY party, cycle
ORDER BY party, cycle;
