-- One email serves every pending order of a customer: while one of their cross-sells is being
-- sent, no other may be claimed (a second worker waits and then finds its order served).
CREATE UNIQUE INDEX cross_sells_one_sending_per_customer ON cross_sells (store, customer_key) WHERE status = 'sending';
