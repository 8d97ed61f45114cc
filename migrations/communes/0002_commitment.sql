-- Each commune's public commitment on the time to a first response, in days,
-- from identity's CommuneRegistered (NULL until known). The checkpoints of the
-- services' copies of identity's communes are reset so that the events already
-- followed are read again for it: the handler's writes are idempotent upserts,
-- replayed in log order.
ALTER TABLE communes ADD COLUMN commitment_days BIGINT;
DELETE FROM checkpoints WHERE consumer LIKE '%:communes-from-identity';
